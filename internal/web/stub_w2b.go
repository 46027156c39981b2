package web

import "net/http"

// Handlers not written yet (this file is deleted when they are).

func (h *Web) contactList(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) contactCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) requestList(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) requestCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) requestUpdate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) noteList(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) noteCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) closingShow(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) closingAgree(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) closingFinalMeeting(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) feedbackRecord(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) outcomeCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) followUpRecord(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }
