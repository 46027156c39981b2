// Package secure holds the browser-facing defences every response gets: a
// Content-Security-Policy with a per-request nonce and the other security
// headers.
package secure

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
)

type nonceKey struct{}

// Nonce returns the CSP nonce of the request, for <script nonce="…">.
func Nonce(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey{}).(string)
	return n
}

// Headers sets the security headers and puts a fresh CSP nonce in the context.
// Scripts run only from our own origin or with the nonce; nothing may frame
// our pages; no referrer leaks a URL to another site. httpsSite says that
// people reach Homeward over https (serve --url https://…, usually through a
// TLS proxy): then HSTS is sent on every response, not only on requests that
// arrive over TLS themselves.
func Headers(httpsSite bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		nonce := base64.RawStdEncoding.EncodeToString(b)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; "+
			"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		// Nothing is cached unless a handler says otherwise (only the hashed
		// assets do), so a page with personal data can never be cached by mistake.
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if httpsSite || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), nonceKey{}, nonce)))
	})
}
