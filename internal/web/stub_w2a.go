package web

import "net/http"

// Handlers not written yet (this file is deleted when they are).

func (h *Web) caseShow(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) caseTransition(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) caseMatch(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) caseMatchEnd(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) casePsychologist(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) caseCustody(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) needsForm(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) needsAssess(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) planStepCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) planStepUpdate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }
