class Sink {
    void flush() {
        // ruleid: production-swallowed-error-java
        try {
            out.flush();
        } catch (IOException e) {
        }

        // ok: production-swallowed-error-java
        try {
            out.flush();
        } catch (IOException e) {
            log.warn("flush failed", e);
            throw new UncheckedIOException(e);
        }
    }
}

class NearMisses {
    void fromTheCorpus() {
        // ok: production-swallowed-error-java
        try {
            listener.accept(event);
        } catch (Throwable ignore) {
        }

        // ok: production-swallowed-error-java
        try {
            acquirePermitAsync().get();
        } catch (CancellationException | ExecutionException ignored) {
            // Not possible since the future will always be completed with null
        }

        // ok: production-swallowed-error-java
        try {
            return jsonMapper.writeValueAsString(dto);
        } catch (JsonProcessingException e) {
            /* ignore silently */
        }
    }

    static {
        Method load = null;
        // ruleid: production-swallowed-error-java
        try {
            load = Class.forName(CONFIG_MANAGER_CLASS).getMethod("load", String.class);
        } catch (Exception e) {
        }
    }
}
