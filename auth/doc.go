// Package auth is the mechanism behind the facade's front door: bearer tokens
// checked against a file of their SHA-256 digests, and TLS (optionally
// mutual) with certificates that are reloaded from disk without a restart.
//
// It knows nothing of gRPC or HTTP handlers. The interceptor and middleware
// that call it pass the raw authorization header or metadata value to
// [Tokens.Check] and map its three errors: [ErrMissingToken] to a plain
// challenge, [ErrMalformedToken] to RFC 6750's invalid_request and
// [ErrInvalidToken] to invalid_token, all of them Unauthenticated.
//
// # Token files
//
// Plain tokens never sit in configuration. The file holds one SHA-256
// digest per line in hex; blank lines and # comments are allowed:
//
//	# ci pipeline, issued 2026-11-27
//	9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// Generate a token with a character set RFC 6750 allows in a bearer token,
// for example `openssl rand -base64 32`, and its line with
// `printf %s "$TOKEN" | sha256sum | cut -d" " -f1` (not echo, whose newline
// would be hashed too). Avoid `openssl rand -hex 32`: a 64-hex-digit token looks exactly like
// a digest, so pasting the token itself into the file by mistake would go
// unnoticed (it would fail closed: nobody could log in with it).
//
// # Reloading
//
// Token files, certificate pairs and client CA files are reloaded by the
// Watch methods. They watch the directory holding each file (with fsnotify:
// inotify on Linux), because a watch on the file itself follows its inode,
// which a rename over the file or the symlink swap by which Kubernetes
// updates a mounted Secret (path → ..data/name, with ..data re-pointed to a
// new timestamped directory) leaves behind. Any event in the directory reads
// the files again, about 50 ms after the first event of a burst, so a
// change takes effect well within a second. The files are also read every
// poll interval, for what sends no event: file systems without
// notifications (NFS, FUSE), a directory that could not be watched (logged
// once), a file reached through a symbolic link into another directory.
//
// A change is detected by content: the files' SHA-256 is compared with what
// was last read, so reading the same bytes again does nothing and logs
// nothing, and no stat field (size, times, inode) needs trusting. Each
// reload logs one line: the file reloaded, or refused with the reason,
// which names the file and, for a token file, the line number, never a
// token, digest or key.
//
// Prefer replacing files (rename, symlink swap) to writing them in place: a
// read can catch an in-place write half done. It errs on the safe side (a
// truncated token file holds only digests of the new file, and a cut line
// is a parse error that keeps the old set; a cut certificate is refused)
// and the rest of the write sends another event that reads the whole file,
// but clients may be refused for that moment.
//
// What was loaded stays in force until a complete, valid replacement is
// read: a broken file, a certificate that does not match its key, or a file
// that disappeared is reported and the old state kept. Failing closed there
// would turn a half-finished deployment into an outage for every client,
// and keeping the last good state never admits anyone the operator has not
// admitted before.
package auth
