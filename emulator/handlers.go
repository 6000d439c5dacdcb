package emulator

import "net/http"

// The handlers follow DRF's generic views in the order they fail: the
// record is looked up (404) before the body is parsed (415, 400), and the
// body is parsed before it is validated.

func (e *Emulator) retrieve(w http.ResponseWriter, pk string) {
	r, ok := e.store.get(pk)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, r)
}

func (e *Emulator) create(w http.ResponseWriter, r *http.Request, b body) {
	changes, ans := e.parseWrite(r, b, true)
	if ans != nil {
		ans.write(w)
		return
	}
	rec := e.store.create(record{CreatedAt: formatTime(e.now())}, changes)
	writeJSON(w, http.StatusCreated, rec)
}

func (e *Emulator) update(w http.ResponseWriter, r *http.Request, pk string, b body) {
	if _, ok := e.store.get(pk); !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	changes, ans := e.parseWrite(r, b, false)
	if ans != nil {
		ans.write(w)
		return
	}
	// The record may have been deleted while the body was validated.
	rec, ok := e.store.update(pk, changes)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (e *Emulator) destroy(w http.ResponseWriter, pk string) {
	if !e.store.delete(pk) {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// parseWrite decodes and validates a POST (create) or PATCH body, returning
// the changes to apply or the error answer.
func (e *Emulator) parseWrite(r *http.Request, b body, create bool) ([]func(*record), *answer) {
	obj, ans := decodeObject(r, b)
	if ans != nil {
		return nil, ans
	}
	changes, errs := e.validate(obj, create)
	if len(errs) > 0 {
		return nil, &answer{status: http.StatusBadRequest, body: errs}
	}
	return changes, nil
}
