package web

import "net/http"

// Handlers not written yet (this file is deleted when they are).

func (h *Web) caseList(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeNew(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeCheck(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeCreate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeShow(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeEdit(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) menteeUpdate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) historyShow(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) historyEdit(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) historyUpdate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) sharingUpdate(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) consentRecord(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Web) portalInvite(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }
