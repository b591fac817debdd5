package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/chunk"
)

// Chunk file layout, version 1:
//
//	"MLSC"   magic
//	byte     layout version (1)
//	uvarint  rows
//	uvarint  columns c
//	c times: uvarint n, then n bytes of chunk.Marshal of the column
//
// The column chunks keep their encoding, so a restored chunk is the same
// bits as the saved one.
const chunkFileVersion = 1

var chunkMagic = []byte("MLSC")

// EncodeChunk returns the file form of one row chunk (one chunk per column).
func EncodeChunk(cols []chunk.Chunk) ([]byte, error) {
	rows := 0
	if len(cols) > 0 {
		rows = cols[0].Len()
	}
	var b bytes.Buffer
	b.Write(chunkMagic)
	b.WriteByte(chunkFileVersion)
	b.Write(binary.AppendUvarint(nil, uint64(rows)))
	b.Write(binary.AppendUvarint(nil, uint64(len(cols))))
	for i, c := range cols {
		if c.Len() != rows {
			return nil, fmt.Errorf("column %d has %d rows, column 0 has %d", i, c.Len(), rows)
		}
		m := chunk.Marshal(c)
		b.Write(binary.AppendUvarint(nil, uint64(len(m))))
		b.Write(m)
	}
	return b.Bytes(), nil
}

// DecodeChunk reads a chunk file made by EncodeChunk, expecting ncols
// columns of rows rows each.
func DecodeChunk(data []byte, rows int64, ncols int) ([]chunk.Chunk, error) {
	if !bytes.HasPrefix(data, chunkMagic) || len(data) < len(chunkMagic)+1 {
		return nil, errors.New("not an mlctl chunk file (no MLSC magic)")
	}
	if v := data[len(chunkMagic)]; v != chunkFileVersion {
		return nil, fmt.Errorf("chunk file layout version %d is not one this mlctl reads (it reads %d)", v, chunkFileVersion)
	}
	r := data[len(chunkMagic)+1:]
	next := func(what string) (uint64, error) {
		v, n := binary.Uvarint(r)
		if n <= 0 {
			return 0, fmt.Errorf("chunk file: bad %s", what)
		}
		r = r[n:]
		return v, nil
	}
	n, err := next("row count")
	if err != nil {
		return nil, err
	}
	if int64(n) != rows {
		return nil, fmt.Errorf("chunk file has %d rows, the manifest says %d", n, rows)
	}
	c, err := next("column count")
	if err != nil {
		return nil, err
	}
	if int(c) != ncols {
		return nil, fmt.Errorf("chunk file has %d columns, the frame has %d", c, ncols)
	}
	out := make([]chunk.Chunk, 0, ncols)
	for i := 0; i < ncols; i++ {
		l, err := next("column length")
		if err != nil {
			return nil, err
		}
		if l > uint64(len(r)) {
			return nil, fmt.Errorf("chunk file: column %d is cut short", i)
		}
		ch, err := chunk.Unmarshal(r[:l])
		if err != nil {
			return nil, fmt.Errorf("chunk file: column %d: %w", i, err)
		}
		if int64(ch.Len()) != rows {
			return nil, fmt.Errorf("chunk file: column %d has %d rows, want %d", i, ch.Len(), rows)
		}
		out = append(out, ch)
		r = r[l:]
	}
	if len(r) != 0 {
		return nil, fmt.Errorf("chunk file: %d bytes after the last column", len(r))
	}
	return out, nil
}

// Sum is the hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// IntegrityError is a saved file whose size or checksum is not what the
// save's manifest (or current.json) recorded: the file was damaged or
// changed after the save.
type IntegrityError struct {
	File      string // where it is
	Want, Got string // e.g. "sha256 ab12…" or "1024 bytes"
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("%s %s: the save recorded %s, the file has %s (damaged or changed after the save)", IntegrityText, e.File, e.Want, e.Got)
}

// IntegrityText starts every IntegrityError's message; job errors carry only
// text, so clients recognise a failed integrity check by it.
const IntegrityText = api.IntegrityText

// Verify checks data against a recorded size and SHA-256.
func Verify(where string, data []byte, size int64, sum string) error {
	if int64(len(data)) != size {
		return &IntegrityError{File: where, Want: fmt.Sprintf("%d bytes", size), Got: fmt.Sprintf("%d bytes", len(data))}
	}
	if got := Sum(data); got != sum {
		return &IntegrityError{File: where, Want: "sha256 " + sum, Got: "sha256 " + got}
	}
	return nil
}
