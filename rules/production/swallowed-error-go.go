package sink

func flush(s *Sink) error {
	err := s.Flush()
	// ruleid: production-swallowed-error-go
	if err != nil {
	}
	// ruleid: production-swallowed-error-go
	if err := s.Sync(); err != nil {
	}
	// ok: production-swallowed-error-go
	if err := s.Close(); err != nil {
		return fmt.Errorf("close sink: %w", err)
	}
	return nil
}
