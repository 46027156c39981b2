package web

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFS embed.FS

// assets are the embedded static files under content-hashed names, so that
// they can be cached for a year and a new release still loads fresh copies.
type assets struct {
	byName   map[string]string // "app.css" → "app.3f2a1b9c0d.css"
	byHashed map[string]asset
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := cmp.Or(mime.TypeByExtension(ext), "application/octet-stream")
		a.byName[name] = hashed
		a.byHashed[hashed] = asset{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	return a, nil
}

// url returns the hashed URL of an asset; templates call it as {{asset "app.css"}}.
func (a *assets) url(name string) (string, error) {
	h, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return "/assets/" + h, nil
}

// asset serves an embedded file by its hashed name with a year-long, immutable cache lifetime.
func (h *Web) asset(w http.ResponseWriter, r *http.Request) error {
	a, ok := h.assets.byHashed[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(a.body)
	return nil
}
