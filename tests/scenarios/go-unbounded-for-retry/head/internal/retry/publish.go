package retry

import (
	"log"
	"time"
)

// Publisher sends events to the message bus.
type Publisher interface {
	Publish(topic string, payload []byte) error
}

// PublishUntilDelivered keeps trying until the bus accepts the event.
func PublishUntilDelivered(p Publisher, topic string, payload []byte) {
	for {
		err := p.Publish(topic, payload)
		if err == nil {
			return
		}
		log.Printf("publish to %s failed, retrying: %v", topic, err)
		time.Sleep(time.Second)
	}
}
