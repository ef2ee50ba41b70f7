package advisor

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// CorpusPrint identifies the passages a run indexed from a documents folder:
// a fingerprint of every chunk (its source, index and text) with the number
// of files and chunks, so that a resumed run can tell the folder changed.
type CorpusPrint struct {
	Fingerprint string
	Files       int
	Chunks      int
}

// PrintCorpus is the CorpusPrint of chunks (in the order they were read).
func PrintCorpus(chunks []Chunk) CorpusPrint {
	h := sha256.New()
	files := map[string]bool{}
	var n [8]byte
	for _, c := range chunks {
		files[c.Source] = true
		for _, s := range []string{c.Source, c.Text} {
			binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
		binary.LittleEndian.PutUint64(n[:], uint64(c.Index))
		h.Write(n[:])
	}
	return CorpusPrint{Fingerprint: hex.EncodeToString(h.Sum(nil)), Files: len(files), Chunks: len(chunks)}
}
