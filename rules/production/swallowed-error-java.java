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
