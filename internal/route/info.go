package route

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// NewRequestID returns a random id that ties a request's log line, its error
// page and its audit entries together.
func NewRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// InfoFrom returns the request's Info, or an empty one outside a request.
func InfoFrom(ctx context.Context) *Info {
	if info, ok := ctx.Value(infoKey{}).(*Info); ok {
		return info
	}
	return &Info{}
}
