package parse

// IsGzip reports whether a file's first bytes are a gzip header (RFC 1952:
// ID1 ID2 and the deflate method), whatever the file is called, since files
// are often renamed without their .gz suffix.
func IsGzip(head []byte) bool {
	return len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8
}
