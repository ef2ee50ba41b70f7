package data

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// maxQueryTerms bounds the terms of a search: a pasted page must not turn
// into a query that takes seconds.
const maxQueryTerms = 64

// IndexDocuments replaces the chunks of a collection (for instance the
// absolute path of a plan's documents folder) with chunks, in one
// transaction: a search sees either the old collection or the new one.
func (s *Store) IndexDocuments(ctx context.Context, collection string, chunks []advisor.Chunk) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	defer tx.Rollback()
	// Deleting the chunks explicitly runs the trigger that removes them
	// from the full-text index.
	if _, err := tx.ExecContext(ctx, "DELETE FROM chunks WHERE document_id IN (SELECT id FROM documents WHERE collection = ?)", collection); err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE collection = ?", collection); err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	insDoc, err := tx.PrepareContext(ctx, "INSERT INTO documents (collection, source, indexed_at) VALUES (?, ?, ?) RETURNING id")
	if err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	defer insDoc.Close()
	insChunk, err := tx.PrepareContext(ctx, "INSERT INTO chunks (document_id, chunk_index, text) VALUES (?, ?, ?)")
	if err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	defer insChunk.Close()
	t := formatTime(now())
	docs := map[string]int64{}
	for _, c := range chunks {
		id, ok := docs[c.Source]
		if !ok {
			if err := insDoc.QueryRowContext(ctx, collection, c.Source, t).Scan(&id); err != nil {
				return fmt.Errorf("index documents of %q: %s: %w", collection, c.Source, classify(err))
			}
			docs[c.Source] = id
		}
		if _, err := insChunk.ExecContext(ctx, id, c.Index, c.Text); err != nil {
			return fmt.Errorf("index documents of %q: %s chunk %d: %w", collection, c.Source, c.Index, classify(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index documents of %q: %w", collection, classify(err))
	}
	return nil
}

// CountChunks returns how many chunks a collection has (0 when it was never
// indexed).
func (s *Store) CountChunks(ctx context.Context, collection string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM chunks JOIN documents d ON d.id = chunks.document_id WHERE d.collection = ?", collection).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count chunks of %q: %w", collection, err)
	}
	return n, nil
}

// ftsQuery turns what a user typed into an FTS5 query that cannot be a
// syntax error: the words (letters and digits) each quoted, joined by OR so
// that a passage matching some of them still ranks. It returns "" when the
// text has no word.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	seen := map[string]bool{}
	var terms []string
	for _, w := range words {
		k := strings.ToLower(w)
		if seen[k] {
			continue
		}
		seen[k] = true
		// Only letters, digits and marks are left, so no quote needs escaping.
		terms = append(terms, `"`+w+`"`)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return strings.Join(terms, " OR ")
}

// SearchPassages returns the k chunks of a collection that best match query
// by bm25, best first, each with its source name; Passage.Score is higher for
// a better match. Any text is a valid query: FTS5 operators and quotes in it
// are treated as plain words.
func (s *Store) SearchPassages(ctx context.Context, collection, query string, k int) ([]advisor.Passage, error) {
	if k <= 0 {
		k = 5
	}
	q := ftsQuery(query)
	if q == "" {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT d.source, c.text, bm25(chunks_fts) AS rank
		FROM chunks_fts
		JOIN chunks c ON c.id = chunks_fts.rowid
		JOIN documents d ON d.id = c.document_id
		WHERE chunks_fts MATCH ? AND d.collection = ?
		ORDER BY rank, d.source, c.chunk_index
		LIMIT ?`, q, collection, k)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", collection, err)
	}
	defer rows.Close()
	var ps []advisor.Passage
	for rows.Next() {
		var p advisor.Passage
		var rank float64
		if err := rows.Scan(&p.Source, &p.Text, &rank); err != nil {
			return nil, fmt.Errorf("search %q: %w", collection, err)
		}
		p.Score = -rank // bm25() is lower for a better match
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", collection, err)
	}
	return ps, nil
}
