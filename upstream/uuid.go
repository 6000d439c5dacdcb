package upstream

// canonicalUUID accepts exactly the 8-4-4-4-12 hexadecimal form, in either
// case, and returns it in lower case, the only case Django's uuid path
// converter matches. Everything else is refused, braces, urn:uuid: and the
// undashed form included: the id ends up in a URL path, and a narrow
// alphabet is what guarantees no input can reach another Pigello path.
func canonicalUUID(s string) (string, bool) {
	const n = 36
	if len(s) != n {
		return "", false
	}
	var b [n]byte
	for i := 0; i < n; i++ {
		ch := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if ch != '-' {
				return "", false
			}
		case '0' <= ch && ch <= '9', 'a' <= ch && ch <= 'f':
		case 'A' <= ch && ch <= 'F':
			ch += 'a' - 'A'
		default:
			return "", false
		}
		b[i] = ch
	}
	return string(b[:]), true
}
