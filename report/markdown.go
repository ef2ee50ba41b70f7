package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// mdCharts sizes the PNG charts beside a Markdown report.
var mdCharts = ChartOptions{PNG: true}

// WriteMarkdown writes the report as dir/name.md with its charts as PNG files
// beside it (name-<chart>.png) and the run's generated images copied into
// dir/name-images/, and returns the Markdown file's path. Text from users
// and models is escaped, so an output cannot inject HTML into a Markdown
// viewer. Each file is written atomically; an image that cannot be read is
// noted in the report, never a reason to fail.
func WriteMarkdown(dir, name string, in Input) (mainFile string, err error) {
	v, err := buildView(in)
	if err != nil {
		return "", err
	}
	name = strings.TrimSuffix(filepath.Base(name), ".md")
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "report"
	}
	charts, err := Charts(in, mdCharts)
	if err != nil {
		return "", err
	}
	// Every file is staged first and renamed into place only when all of
	// them were written: a disk that fills mid-export leaves no chart
	// images behind without their report.
	st := &stager{}
	defer st.abort()
	images := map[string]string{}
	for _, c := range charts {
		file := name + "-" + c.Name + ".png"
		if err := st.add(filepath.Join(dir, file), c.PNG); err != nil {
			return "", err
		}
		images[c.Name] = file
	}
	if v.Run != nil {
		if err := copyGallery(st, dir, name+"-images", v.Run.Gallery); err != nil {
			return "", err
		}
	}
	var b bytes.Buffer
	vc, charts := splitVerdictChart(charts)
	if v.Verdict != nil {
		v.mdVerdictChart = vc
	}
	writeMarkdown(&b, v, charts, images)
	mainFile = filepath.Join(dir, name+".md")
	if err := st.add(mainFile, b.Bytes()); err != nil {
		return "", err
	}
	if err := st.commit(); err != nil {
		return "", err
	}
	return mainFile, nil
}

func writeMarkdown(b *bytes.Buffer, v *view, charts []Chart, images map[string]string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("# %s\n\n", mdText(v.Title))
	p("_%s: %s_\n\n", v.H("generated"), v.Generated)
	if v.MoneyNote != "" {
		p("_%s_\n\n", mdText(v.MoneyNote))
	}
	if v.Verdict != nil {
		mdVerdict(b, v, v.mdVerdictChart, images)
	}
	if v.UseCase != "" {
		p("## %s\n\n%s\n\n", v.H("sec.use_case"), mdText(v.UseCase))
	}
	if len(v.Answers) > 0 {
		p("## %s\n\n", v.H("sec.answers"))
		for _, a := range v.Answers {
			p("- **%s:** %s\n", mdText(a.Label), mdText(a.Value))
		}
		p("\n")
	}
	mdRecommendation(b, v)
	mdRun(b, v, charts, images)
	mdCapacity(b, v)
	mdList(b, v.H("sec.next"), v.Next)
}

// mdRecommendation writes the recommendation: its facts, plan, why, warnings,
// conflicts, assumptions and shortlists.
func mdRecommendation(b *bytes.Buffer, v *view) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## %s\n\n", v.H("sec.rec"))
	if r := v.Rec; r != nil {
		for _, f := range r.Facts {
			p("- **%s:** %s\n", mdText(f.Label), mdText(f.Value))
		}
		p("\n### %s\n\n", v.H("sec.plan"))
		for i, s := range r.Steps {
			p("%d. **%s**", i+1, mdText(s.Title))
			if s.Detail != "" {
				p(" — %s", mdText(s.Detail))
			}
			if s.Gate != "" {
				p(" _(%s: %s)_", v.H("gate"), mdText(s.Gate))
			}
			p("\n")
		}
		if len(r.Fired) > 0 {
			p("\n### %s\n\n", v.H("sec.why"))
			for _, f := range r.Fired {
				p("- ")
				if f.Title != "" {
					p("**%s** — ", mdText(f.Title))
				}
				p("%s", mdText(f.Because))
				var refs []string
				for _, u := range f.Sources {
					if isWebLink(u) {
						refs = append(refs, fmt.Sprintf("[%s](%s)", v.H("source"), mdURL(u)))
					} else {
						refs = append(refs, v.H("source")+": "+mdText(u))
					}
				}
				if len(refs) > 0 {
					p(" (%s)", strings.Join(refs, ", "))
				}
				p(" `%s`\n", strings.ReplaceAll(f.ID, "`", ""))
			}
		}
		mdList(b, v.H("sec.warnings"), r.Warnings)
		if len(r.Conflicts) > 0 {
			p("\n### %s\n\n", v.H("sec.conflicts"))
			for _, c := range r.Conflicts {
				p("- %s → %s: %s\n", mdText(c.Between), v.H("relaxation"), mdText(c.Relaxation))
			}
		}
		mdList(b, v.H("sec.assumptions"), r.Assumptions)
		if len(r.Shortlist.Rows) > 0 {
			p("\n### %s\n\n", v.H("sec.shortlist"))
			mdTable(b, r.Shortlist)
			for _, a := range r.Also {
				p("\n#### %s\n\n", mdText(a.Title))
				mdTable(b, a.table)
			}
			if r.CostAssumptions != "" {
				p("\n_%s: %s_\n", v.H("cost_assumptions"), mdText(r.CostAssumptions))
			}
		}
	} else {
		p("%s\n", v.NoRec)
	}
}

// mdRun writes the live test: its setup, the charts, the results, the
// gallery and the outputs (or the charts and that there is no run yet).
func mdRun(b *bytes.Buffer, v *view, charts []Chart, images map[string]string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if r := v.Run; r != nil {
		p("\n## %s\n\n", v.H("sec.setup"))
		for _, f := range r.Facts {
			p("- **%s:** %s\n", mdText(f.Label), mdText(f.Value))
		}
		p("\n")
		mdTable(b, r.Endpoints)
		mdChartImages(b, v, charts, images)
		p("\n## %s\n\n", v.H("sec.results"))
		if r.NoResults != "" {
			p("%s\n", r.NoResults)
		} else {
			for i, t := range r.Results {
				if i > 0 {
					p("\n")
				}
				if t.Title != "" {
					p("### %s\n\n", mdText(t.Title))
				}
				mdTable(b, t.table)
				for _, n := range t.Notes {
					p("\n_%s_\n", mdText(n))
				}
			}
			if r.FreeNote != "" {
				p("\n_%s_\n", r.FreeNote)
			}
		}
		if len(r.Gallery) > 0 {
			p("\n## %s\n\n", v.H("sec.gallery"))
			if r.GalleryNote != "" {
				p("_%s_\n\n", r.GalleryNote)
			}
			for i, g := range r.Gallery {
				if i > 0 {
					p("\n")
				}
				if g.Link != "" {
					p("![%s](%s)\n\n", mdAlt(g.Alt), mdURL(g.Link))
				} else {
					p("_%s_\n\n", mdText(g.Note))
				}
				p("**%s** — %s — %s — **%s**\n", mdText(g.Model), mdText(g.Prompt), mdText(g.Facts), mdText(g.Verdict))
			}
		}
		if len(r.Cases) > 0 {
			p("\n## %s\n\n", v.H("sec.outputs"))
			if r.CasesNote != "" {
				p("_%s_\n\n", r.CasesNote)
			}
			for _, c := range r.Cases {
				p("### %s\n\n", mdText(c.Title))
				for _, f := range c.Facts {
					p("**%s:** %s\n\n", mdText(f.Label), mdText(f.Value))
				}
				mdTable(b, c.Outputs)
				p("\n")
			}
		}
	} else {
		mdChartImages(b, v, charts, images)
		p("\n%s\n", v.NoRun)
	}
}

// mdChartImages writes the charts as images in the report's folder.
func mdChartImages(b *bytes.Buffer, v *view, charts []Chart, images map[string]string) {
	if len(charts) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n", v.H("sec.charts"))
	for i, c := range charts {
		if i > 0 {
			fmt.Fprintf(b, "\n")
		}
		fmt.Fprintf(b, "![%s](%s)\n", mdText(c.Title), images[c.Name])
	}
}

// mdCapacity writes the capacity tests of the decision.
func mdCapacity(b *bytes.Buffer, v *view) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if len(v.Capacity) > 0 {
		p("\n## %s\n\n_%s_\n", v.H("sec.capacity"), v.H("capacity.intro"))
		for _, c := range v.Capacity {
			p("\n### %s\n\n", mdText(c.Title))
			for _, l := range c.Lines {
				p("- %s\n", mdText(l))
			}
			p("\n")
			mdTable(b, c.Steps)
		}
	}
}

// copyGallery stages copies of the gallery's images in dir/sub and points
// each item at its copy; an image that cannot be read gets a note instead.
// Failing to write a copy (a full disk) fails the export.
func copyGallery(st *stager, dir, sub string, items []galleryItem) error {
	used := map[string]bool{}
	made := false
	for i := range items {
		g := &items[i]
		if g.Missing {
			continue
		}
		data, err := readImage(g.File)
		if err != nil {
			g.Missing, g.Note = true, g.Unreadable
			continue
		}
		if !made {
			if err := st.mkdir(filepath.Join(dir, sub)); err != nil {
				return err
			}
			made = true
		}
		base := filepath.Base(g.File)
		for n := 2; used[base]; n++ {
			ext := filepath.Ext(g.File)
			base = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(filepath.Base(g.File), ext), n, ext)
		}
		if err := st.add(filepath.Join(dir, sub, base), data); err != nil {
			return err
		}
		used[base] = true
		g.Link = sub + "/" + base
	}
	return nil
}

// mdAlt escapes an image's alt text: no brackets to end it early.
func mdAlt(s string) string { return mdText(s) }

func mdList(b *bytes.Buffer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### %s\n\n", title)
	for _, s := range items {
		fmt.Fprintf(b, "- %s\n", mdText(s))
	}
}

func mdTable(b *bytes.Buffer, t table) {
	if len(t.Head) == 0 {
		return
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + mdCell(c) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Head)
	b.WriteString("|")
	for range t.Head {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
}

// mdText escapes text for Markdown: HTML is neutralised (viewers render raw
// HTML, and outputs are untrusted) and line breaks become spaces where a
// single line is expected.
// Link and image syntax is escaped too, so an output cannot make a
// [link](javascript:...) or load an image from anywhere.
var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r\n", " ", "\n", " ", "\r", " ",
	"[", `\[`, "]", `\]`, "\\", `\\`)

func mdText(s string) string { return mdEscaper.Replace(s) }

func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", `\|`) }

func isWebLink(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// mdURL keeps a link target from closing the Markdown link early.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place, so a failed write never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	st := &stager{}
	defer st.abort()
	if err := st.add(path, data); err != nil {
		return err
	}
	return st.commit()
}

// writeData writes a staged file's bytes; a test makes it fail as a full
// disk does.
var writeData = func(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}

// stager writes files as temporaries beside their targets and renames them
// into place together (commit); abort removes whatever was not committed,
// and the folders it made, so a failed export leaves nothing behind.
type stager struct {
	files []stagedFile
	dirs  []string
	done  bool
}

type stagedFile struct{ tmp, path string }

// mkdir makes dir (and its parents) unless it exists, remembering what it
// made so abort can take it away.
func (s *stager) mkdir(dir string) error {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	s.dirs = append(s.dirs, made...)
	return nil
}

// add stages data for path.
func (s *stager) add(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	s.files = append(s.files, stagedFile{tmp: f.Name(), path: path})
	if err := writeData(f, data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// commit renames every staged file into place.
func (s *stager) commit() error {
	for i, f := range s.files {
		if err := os.Rename(f.tmp, f.path); err != nil {
			s.files = s.files[i:]
			return fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	s.files, s.done = nil, true
	return nil
}

// abort removes the staged files not committed and, after a failure, the
// folders add made (when empty).
func (s *stager) abort() {
	for _, f := range s.files {
		os.Remove(f.tmp)
	}
	s.files = nil
	if s.done {
		return
	}
	for _, d := range s.dirs {
		os.Remove(d) // only succeeds when empty
	}
}
