package livetest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	openai "github.com/sashabaranov/go-openai"
)

// Chunking of the documents folder for the rag strategy.
const (
	ChunkWords   = 400 // words per chunk
	ChunkOverlap = 50  // words shared by neighbouring chunks, so no sentence is only ever cut in half
)

// ChunkFolder reads the .txt and .md files under dir (sub-folders included,
// hidden ones skipped), and PDF files when poppler's pdftotext is installed,
// and cuts them into chunks of about 400 words that overlap by 50. Source is
// the file name relative to dir, with forward slashes. ScanFolder reports
// the files it could not read.
func ChunkFolder(dir string) ([]advisor.Chunk, error) {
	chunks, _, err := ScanFolder(dir)
	return chunks, err
}

// ScanFolder is ChunkFolder that also returns the files it skipped (other
// formats, PDFs without pdftotext or without a text layer), relative to dir;
// a skipped PDF carries the reason in brackets.
func ScanFolder(dir string) (chunks []advisor.Chunk, skipped []string, err error) {
	return ScanFolderContext(context.Background(), dir)
}

// ScanFolderContext is ScanFolder that stops when ctx is done (Ctrl+C, the
// Cancel button): between files and while a PDF is being read, returning
// ctx's error.
func ScanFolderContext(ctx context.Context, dir string) (chunks []advisor.Chunk, skipped []string, err error) {
	var unreadable []string
	skipped, err = walkDocuments(dir, func(rel, path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if isPDF(rel) {
			text, perr := pdfText(ctx, path)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if perr != nil {
				unreadable = append(unreadable, rel+" ("+perr.Error()+")")
				return nil
			}
			chunks = append(chunks, chunkText(rel, text)...)
			return nil
		}
		b, err := safefile.Read(path, MaxDocumentBytes)
		if err != nil {
			unreadable = append(unreadable, rel+" ("+plainReadError(err)+")")
			return nil
		}
		chunks = append(chunks, chunkText(rel, string(b))...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return chunks, append(skipped, unreadable...), nil
}

// MaxDocumentBytes bounds one file of a documents folder.
const MaxDocumentBytes = 32 << 20

// notADocument says why a folder entry is not read, or "" when it is a
// regular file, or a link to one inside the folder.
func notADocument(dir, path string, d fs.DirEntry) string {
	if d.Type().IsRegular() {
		return ""
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return "not a plain file: " + safefile.Kind(d.Type())
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "a link to nothing"
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		root = dir
	}
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "a link to outside the folder"
	}
	st, err := os.Stat(target)
	if err != nil || !st.Mode().IsRegular() {
		return "a link to something that is not a plain file"
	}
	return ""
}

// plainReadError is a read failure in a few words.
func plainReadError(err error) string {
	var tl *safefile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return "larger than " + safefile.Size(tl.Limit)
	case errors.Is(err, safefile.ErrNotRegular):
		return "not a plain file"
	case errors.Is(err, fs.ErrPermission):
		return "no permission to read it"
	}
	return err.Error()
}

func isPDF(name string) bool { return strings.EqualFold(filepath.Ext(name), ".pdf") }

// walkDocuments calls fn for every .txt and .md file under dir (and .pdf
// when pdftotext is installed; hidden files and folders left out) with its
// name relative to dir (forward slashes) and its path, and returns the other
// files it met.
func walkDocuments(dir string, fn func(rel, path string) error) (skipped []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != dir && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		// Only regular files inside the folder: a named pipe would hang the
		// run, a device never ends, and a link may lead anywhere.
		if why := notADocument(dir, path, d); why != "" {
			skipped = append(skipped, rel+" ("+why+")")
			return nil
		}
		if advisor.IsOwnExport(name) {
			skipped = append(skipped, rel+" (a report of LLM Advisor, not a document)")
			return nil
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".txt", ".md", ".markdown":
		case ".pdf":
			if pdfTool() == "" {
				skipped = append(skipped, rel+" (PDF: install poppler-utils for pdftotext)")
				return nil
			}
		default:
			skipped = append(skipped, rel)
			return nil
		}
		return fn(rel, path)
	})
	if err != nil {
		return nil, fmt.Errorf("read documents folder: %w", err)
	}
	return skipped, nil
}

func chunkText(source, text string) []advisor.Chunk {
	words := strings.Fields(text)
	var out []advisor.Chunk
	step := ChunkWords - ChunkOverlap
	for start := 0; start < len(words); start += step {
		end := min(start+ChunkWords, len(words))
		out = append(out, advisor.Chunk{Source: source, Index: len(out), Text: strings.Join(words[start:end], " ")})
		if end == len(words) {
			break
		}
	}
	return out
}

// retrieve finds the passages for one question: the top k by bm25 from the
// index, or, with an embedder, the top 3k by bm25 re-ranked by the cosine of
// their embeddings to the question's.
func retrieve(ctx context.Context, idx Index, collection, question string, k int, embed embedder) ([]advisor.Passage, error) {
	n := k
	if embed != nil {
		n = 3 * k
	}
	cands, err := idx.SearchPassages(ctx, collection, question, n)
	if err != nil {
		return nil, fmt.Errorf("search the documents: %w", err)
	}
	if embed == nil || len(cands) <= 1 {
		if len(cands) > k {
			cands = cands[:k]
		}
		return cands, nil
	}
	texts := make([]string, 0, len(cands)+1)
	texts = append(texts, question)
	for _, c := range cands {
		texts = append(texts, c.Text)
	}
	vs, err := embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embed the passages: %w", err)
	}
	if len(vs) != len(texts) {
		return nil, fmt.Errorf("embed the passages: %d vectors for %d texts", len(vs), len(texts))
	}
	for i := range cands {
		cands[i].Score = advisor.Cosine(vs[0], vs[i+1])
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	if len(cands) > k {
		cands = cands[:k]
	}
	return cands, nil
}

// embedWith returns an embedder that calls /v1/embeddings of an endpoint.
func embedWith(c *openai.Client, model string, timeout time.Duration, rp retryPolicy) embedder {
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		var res openai.EmbeddingResponse
		_, ce := rp.call(ctx, timeout, func(actx context.Context, _ *probe) error {
			var err error
			res, err = c.CreateEmbeddings(actx, openai.EmbeddingRequestStrings{
				Input:          texts,
				Model:          openai.EmbeddingModel(model),
				EncodingFormat: openai.EmbeddingEncodingFormatFloat,
			})
			return err
		})
		if ce != nil {
			return nil, ce
		}
		out := make([][]float32, len(texts))
		for i, d := range res.Data {
			idx := d.Index
			if idx < 0 || idx >= len(out) {
				idx = i
			}
			if idx >= len(out) {
				continue
			}
			out[idx] = d.Embedding
		}
		for i, v := range out {
			if v == nil {
				return nil, &CallError{Class: advisor.ErrBadResponse, Msg: fmt.Sprintf("the embedding server returned no vector for text %d", i)}
			}
		}
		return out, nil
	}
}
