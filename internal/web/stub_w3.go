package web

import "net/http"

// Handlers not written yet (this file is deleted when they are).

func (h *Web) portalHome(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalStepDone(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalRequest(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalAgree(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalFeedback(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalData(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }
