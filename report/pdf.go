package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// PDF layout, in millimetres on A4 portrait.
const (
	pdfMargin = 15.0
	pdfLine   = 5.0 // body line height
	pdfCell   = 4.2 // table line height
	pdfPad    = 0.6 // padding inside a cell, left and right
)

// Chart size for the PDF: rendered large with scaled text so it stays sharp
// when printed at the page's width.
var pdfCharts = pdfChartsFull

var pdfChartsFull = ChartOptions{Width: 1440, Height: 810, DPI: 150, PNG: true}

// WritePDF writes the report as a PDF with the DejaVu Sans font embedded, so
// every language's accents render. Generated images appear as thumbnails,
// three to a row; one that is missing or unreadable leaves a note. A
// decision without a run gives the recommendation part alone.
func WritePDF(w io.Writer, in Input) error {
	if err := loadFonts(); err != nil {
		return err
	}
	v, err := buildView(in)
	if err != nil {
		return err
	}
	charts, err := Charts(in, pdfCharts)
	if err != nil {
		return err
	}
	d := newPDF(v, in.Generated)
	vc, charts := splitVerdictChart(charts)
	d.verdictChart = vc
	d.render(v, charts)
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

type pdfDoc struct {
	f          *fpdf.Fpdf
	pageW      float64
	pageH      float64
	textW      float64
	lang       string
	tableHead  func() // redraws the current table's header after a page break
	imageCount int

	verdictChart *Chart // drawn with the verdict on the first page
}

func newPDF(v *view, generated time.Time) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes("dejavu", "", fontRegB)
	f.AddUTF8FontFromBytes("dejavu", "B", fontBldB)
	f.SetTitle(v.Title, true)
	f.SetCreator("LLM Advisor", true)
	f.SetLang(v.Lang)
	if !generated.IsZero() {
		f.SetCreationDate(generated)
		f.SetModificationDate(generated)
	}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetCellMargin(pdfPad)
	f.SetAutoPageBreak(true, pdfMargin+5)
	f.AliasNbPages("{nb}")
	d := &pdfDoc{f: f, lang: v.Lang}
	d.pageW, d.pageH = f.GetPageSize()
	d.textW = d.pageW - 2*pdfMargin
	title := pdfSafe(v.Title)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("dejavu", "", 8)
		f.SetTextColor(120, 120, 120)
		f.CellFormat(d.textW/2, 5, ellipsis(title, 70), "", 0, "L", false, 0, "")
		f.CellFormat(d.textW/2, 5, fmt.Sprintf("%d / {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	})
	return d
}

func (d *pdfDoc) font(style string, size float64) {
	d.f.SetFont("dejavu", style, size)
}

func (d *pdfDoc) color(r, g, b int) { d.f.SetTextColor(r, g, b) }

// room starts a new page unless h millimetres are left on this one.
func (d *pdfDoc) room(h float64) {
	if d.f.GetY()+h > d.pageH-pdfMargin-5 {
		d.f.AddPage()
		if d.tableHead != nil {
			d.tableHead()
		}
	}
}

func (d *pdfDoc) h1(s string) {
	d.font("B", 20)
	d.color(30, 30, 30)
	d.f.MultiCell(0, 9, pdfSafe(s), "", "L", false)
}

func (d *pdfDoc) h2(s string) { d.h2Keep(s, 30) }

// h2Keep starts a section, on a new page unless need millimetres are left
// for the heading and the start of its content.
func (d *pdfDoc) h2Keep(s string, need float64) {
	d.f.Ln(4)
	d.room(need)
	d.font("B", 14)
	d.color(46, 74, 110)
	d.f.MultiCell(0, 7, pdfSafe(s), "", "L", false)
	y := d.f.GetY()
	d.f.SetDrawColor(78, 121, 167)
	d.f.SetLineWidth(0.5)
	d.f.Line(pdfMargin, y, d.pageW-pdfMargin, y)
	d.f.Ln(2.5)
}

func (d *pdfDoc) h3(s string) {
	d.f.Ln(2)
	d.room(20)
	d.font("B", 11)
	d.color(40, 40, 40)
	d.f.MultiCell(0, 6, pdfSafe(s), "", "L", false)
	d.f.Ln(0.5)
}

func (d *pdfDoc) para(s string) {
	d.font("", 10)
	d.color(34, 34, 34)
	d.f.MultiCell(0, pdfLine, pdfSafe(s), "", "L", false)
	d.f.Ln(1)
}

func (d *pdfDoc) note(s string) {
	d.font("", 9)
	d.color(90, 90, 90)
	d.f.MultiCell(0, 4.5, pdfSafe(s), "", "L", false)
	d.f.Ln(1)
}

// bullets writes a list; the links of an item (optional, same index) go on
// their own clickable lines under it.
func (d *pdfDoc) bullets(items []string, links [][]string) {
	d.list(items, links, false)
}

// list writes a bulleted or numbered list.
func (d *pdfDoc) list(items []string, links [][]string, numbered bool) {
	for i, it := range items {
		marker := "•"
		if numbered {
			marker = fmt.Sprintf("%d.", i+1)
		}
		d.font("", 10)
		d.color(34, 34, 34)
		d.room(pdfLine * 2)
		y := d.f.GetY()
		d.f.SetX(pdfMargin + 1)
		d.f.CellFormat(4, pdfLine, marker, "", 0, "L", false, 0, "")
		d.f.SetXY(pdfMargin+5, y)
		d.f.MultiCell(d.textW-5, pdfLine, pdfSafe(it), "", "L", false)
		if i < len(links) {
			for _, u := range links[i] {
				d.font("", 8.5)
				d.color(40, 90, 160)
				d.f.SetX(pdfMargin + 5)
				link := ""
				if isWebLink(u) {
					link = u
				}
				d.f.CellFormat(d.textW-5, 4.2, ellipsis(pdfSafe(u), 110), "", 1, "L", false, 0, link)
			}
		}
		d.f.Ln(0.8)
	}
}

// facts writes label: value pairs in two columns.
func (d *pdfDoc) facts(ps []pair) {
	const lw = 58.0
	for _, p := range ps {
		d.font("", 10)
		lines := len(d.f.SplitText(pdfSafe(p.Value), d.textW-lw))
		d.font("B", 10)
		if n := len(d.f.SplitText(pdfSafe(p.Label), lw-2)); n > lines {
			lines = n
		}
		h := float64(max(lines, 1)) * pdfLine
		d.room(h)
		y := d.f.GetY()
		d.color(60, 60, 60)
		d.f.MultiCell(lw-2, pdfLine, pdfSafe(p.Label), "", "L", false)
		d.f.SetXY(pdfMargin+lw, y)
		d.font("", 10)
		d.color(34, 34, 34)
		d.f.MultiCell(d.textW-lw, pdfLine, pdfSafe(p.Value), "", "L", false)
		d.f.SetY(y + h)
	}
	d.f.Ln(1)
}

// table writes a table whose cells wrap; rel are the relative column widths
// and right marks the columns aligned right (numbers). The header is repeated
// after a page break.
func (d *pdfDoc) table(t table, rel []float64, right map[int]bool, size float64) {
	if len(t.Head) == 0 {
		return
	}
	total := 0.0
	for _, r := range rel {
		total += r
	}
	widths := make([]float64, len(rel))
	for i, r := range rel {
		widths[i] = r / total * d.textW
	}
	row := func(cells []string, head bool) {
		style := ""
		if head {
			style = "B"
		}
		// A cell whose longest word does not fit gets a smaller font (down to
		// 85 %) before a word is broken.
		lines := make([][]string, len(cells))
		sizes := make([]float64, len(cells))
		n := 1
		for i, c := range cells {
			c = pdfSafe(c)
			sizes[i] = size
			d.font(style, size)
			for sizes[i] > size*0.85 && d.longestWord(c) > widths[i]-2*pdfPad-0.2 {
				sizes[i] -= 0.25
				d.font(style, sizes[i])
			}
			lines[i] = d.f.SplitText(c, widths[i])
			n = max(n, len(lines[i]))
		}
		h := float64(n)*pdfCell + 1.6
		if d.f.GetY()+h > d.pageH-pdfMargin-5 {
			d.f.AddPage()
			if !head && d.tableHead != nil {
				d.tableHead()
				d.font(style, size)
			}
		}
		x, y := pdfMargin, d.f.GetY()
		d.f.SetDrawColor(210, 210, 210)
		d.f.SetLineWidth(0.2)
		if head {
			d.f.SetFillColor(236, 240, 246)
		}
		for i := range cells {
			fill := "D"
			if head {
				fill = "FD"
			}
			d.f.Rect(x, y, widths[i], h, fill)
			align := "L"
			if right[i] && !head {
				align = "R"
			}
			d.color(34, 34, 34)
			d.font(style, sizes[i])
			for j, l := range lines[i] {
				d.f.SetXY(x, y+0.8+float64(j)*pdfCell)
				d.f.CellFormat(widths[i], pdfCell, l, "", 0, align, false, 0, "")
			}
			x += widths[i]
		}
		d.f.SetXY(pdfMargin, y+h)
	}
	d.room(pdfCell*6 + 4) // the header and a couple of rows stay together
	d.tableHead = func() { row(t.Head, true) }
	row(t.Head, true)
	for _, r := range t.Rows {
		row(r, false)
	}
	d.tableHead = nil
	d.f.Ln(2)
}

func (d *pdfDoc) longestWord(s string) float64 {
	w := 0.0
	for _, word := range strings.Fields(s) {
		w = max(w, d.f.GetStringWidth(word))
	}
	return w
}

func (d *pdfDoc) chart(c Chart) {
	if len(c.PNG) == 0 {
		return
	}
	w := d.textW
	h := w * float64(pdfCharts.Height) / float64(pdfCharts.Width)
	d.room(h + 4)
	d.imageCount++
	name := fmt.Sprintf("chart-%d-%s", d.imageCount, c.Name)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	d.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(c.PNG))
	d.f.ImageOptions(name, pdfMargin, d.f.GetY(), w, h, false, opt, 0, "")
	d.f.SetY(d.f.GetY() + h + 4)
}

// gallery lays the generated images out three to a row, each scaled into a
// square box with its model, prompt, latency and cost, and verdict below. A
// missing or unreadable image leaves a grey box with its note.
func (d *pdfDoc) gallery(items []galleryItem) {
	const perRow, gap = 3, 5.0
	w := (d.textW - gap*(perRow-1)) / perRow
	box := w * 0.75
	capH := 4*3.6 + 2
	loaded := loadGallery(items, pdfImageSide, false)
	for start := 0; start < len(items); start += perRow {
		end := min(start+perRow, len(items))
		d.room(box + capH + 3)
		y := d.f.GetY()
		for i := start; i < end; i++ {
			x := pdfMargin + float64(i-start)*(w+gap)
			d.galleryCell(items[i], loaded[i], x, y, w, box)
		}
		d.f.SetXY(pdfMargin, y+box+capH+3)
	}
	d.f.Ln(1)
}

func (d *pdfDoc) galleryCell(g galleryItem, im *loadedImage, x, y, w, box float64) {
	note := g.Note
	shown := false
	if !g.Missing {
		if im != nil {
			d.imageCount++
			name := fmt.Sprintf("img-%d", d.imageCount)
			opt := fpdf.ImageOptions{ImageType: "JPG"}
			d.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(im.Data))
			if d.f.Err() {
				// A bad image must not spoil the whole document.
				d.f.ClearError()
				note = g.Unreadable
			} else {
				// Fit inside the frame, keeping the image's proportions.
				const pad = 1.0
				iw, ih := w-2*pad, box-2*pad
				if float64(im.W)/float64(im.H) > iw/ih {
					ih = iw * float64(im.H) / float64(im.W)
				} else {
					iw = ih * float64(im.W) / float64(im.H)
				}
				d.f.SetFillColor(250, 250, 250)
				d.f.SetDrawColor(220, 220, 220)
				d.f.SetLineWidth(0.2)
				d.f.Rect(x, y, w, box, "FD")
				d.f.ImageOptions(name, x+(w-iw)/2, y+(box-ih)/2, iw, ih, false, opt, 0, "")
				shown = true
			}
		} else {
			note = g.Unreadable
		}
	}
	if !shown {
		d.f.SetFillColor(244, 244, 244)
		d.f.SetDrawColor(210, 210, 210)
		d.f.SetLineWidth(0.2)
		d.f.Rect(x, y, w, box, "FD")
		d.font("", 8)
		d.color(110, 110, 110)
		d.f.SetXY(x+2, y+box/2-4)
		d.f.MultiCell(w-4, 3.8, pdfSafe(note), "", "C", false)
	}
	line := func(s, style string, r, gr, b int) {
		d.font(style, 7.5)
		d.color(r, gr, b)
		d.f.SetX(x)
		d.f.CellFormat(w, 3.6, d.fit(pdfSafe(s), w-2*pdfPad), "", 1, "L", false, 0, "")
	}
	d.f.SetXY(x, y+box+1.5)
	line(g.Model, "B", 34, 34, 34)
	if g.Prompt != "" {
		line(g.Prompt, "", 60, 60, 60)
	}
	line(g.Facts, "", 100, 100, 100)
	switch g.VerdictKey {
	case "accepted":
		line(g.Verdict, "B", 46, 125, 50)
	case "rejected":
		line(g.Verdict, "B", 198, 40, 40)
	default:
		line(g.Verdict, "", 120, 120, 120)
	}
}

// fit shortens s until it fits w millimetres in the current font.
func (d *pdfDoc) fit(s string, w float64) string {
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 1; n-- {
		if t := ellipsis(s, n); d.f.GetStringWidth(t) <= w {
			return t
		}
	}
	return ellipsis(s, 1)
}

func (d *pdfDoc) render(v *view, charts []Chart) {
	f := d.f
	f.AddPage()
	d.h1(v.Title)
	d.font("", 9)
	d.color(100, 100, 100)
	f.CellFormat(0, 6, pdfSafe(v.H("generated")+": "+v.Generated), "", 1, "L", false, 0, "")
	if v.MoneyNote != "" {
		f.MultiCell(0, 5, pdfSafe(v.MoneyNote), "", "L", false)
	}
	if v.Verdict != nil {
		d.renderVerdict(v, d.verdictChart)
		f.AddPage()
	}
	if v.UseCase != "" {
		d.h2(v.H("sec.use_case"))
		d.para(v.UseCase)
	}
	if len(v.Answers) > 0 {
		d.h2(v.H("sec.answers"))
		d.facts(v.Answers)
	}

	d.renderRecommendation(v)
	if r := v.Run; r != nil {
		d.h2(v.H("sec.setup"))
		d.facts(r.Facts)
		d.table(r.Endpoints, []float64{1.4, 1.6, 3.2, 3}, nil, 9)
	}
	if len(charts) > 0 {
		d.h2(v.H("sec.charts"))
		if v.Run != nil && v.Run.FreeNote != "" {
			d.note(v.Run.FreeNote)
		}
		for _, c := range charts {
			d.chart(c)
		}
	}
	d.renderResults(v)
	d.renderCapacity(v)
	if len(v.Next) > 0 {
		d.h2(v.H("sec.next"))
		d.bullets(v.Next, nil)
	}
}

// renderRecommendation draws the recommendation: its facts, plan, why,
// warnings, conflicts, assumptions and shortlists.
func (d *pdfDoc) renderRecommendation(v *view) {
	d.h2(v.H("sec.rec"))
	if r := v.Rec; r != nil {
		d.facts(r.Facts)
		d.h3(v.H("sec.plan"))
		var steps []string
		for _, s := range r.Steps {
			t := s.Title
			if s.Detail != "" {
				t += " — " + s.Detail
			}
			if s.Gate != "" {
				t += " (" + v.H("gate") + ": " + s.Gate + ")"
			}
			steps = append(steps, t)
		}
		d.list(steps, nil, true)
		if len(r.Fired) > 0 {
			d.h3(v.H("sec.why"))
			var items []string
			var links [][]string
			for _, fr := range r.Fired {
				t := fr.Because
				if fr.Title != "" {
					t = fr.Title + " — " + fr.Because
				}
				items = append(items, t+" ["+fr.ID+"]")
				links = append(links, fr.Sources)
			}
			d.bullets(items, links)
		}
		if len(r.Warnings) > 0 {
			d.h3(v.H("sec.warnings"))
			d.bullets(r.Warnings, nil)
		}
		if len(r.Conflicts) > 0 {
			d.h3(v.H("sec.conflicts"))
			var items []string
			for _, c := range r.Conflicts {
				items = append(items, c.Between+" → "+v.H("relaxation")+": "+c.Relaxation)
			}
			d.bullets(items, nil)
		}
		if len(r.Assumptions) > 0 {
			d.h3(v.H("sec.assumptions"))
			d.bullets(r.Assumptions, nil)
		}
		if len(r.Shortlist.Rows) > 0 {
			d.h3(v.H("sec.shortlist"))
			d.table(r.Shortlist, []float64{3, 1.6, 5}, map[int]bool{1: true}, 9)
			for _, a := range r.Also {
				d.font("B", 9.5)
				d.color(60, 60, 60)
				d.room(20)
				d.f.MultiCell(0, pdfLine, pdfSafe(a.Title), "", "L", false)
				d.table(a.table, []float64{3, 1.6, 5}, map[int]bool{1: true}, 9)
			}
			if r.CostAssumptions != "" {
				d.note(v.H("cost_assumptions") + ": " + r.CostAssumptions)
			}
		}
	} else {
		d.para(v.NoRec)
	}

}

// renderResults draws the live test's results, gallery and outputs (or
// that there is no run yet).
func (d *pdfDoc) renderResults(v *view) {
	if r := v.Run; r != nil {
		d.h2(v.H("sec.results"))
		if r.NoResults != "" {
			d.para(r.NoResults)
		} else {
			for _, t := range r.Results {
				if t.Title != "" {
					d.h3(t.Title)
				}
				right := map[int]bool{}
				for i := t.NumFrom; i < len(t.Head); i++ {
					right[i] = true
				}
				d.table(t.table, t.Widths, right, 7)
				for _, n := range t.Notes {
					d.note(n)
				}
			}
		}
		if len(r.Gallery) > 0 {
			d.h2Keep(v.H("sec.gallery"), 80)
			if r.GalleryNote != "" {
				d.note(r.GalleryNote)
			}
			d.gallery(r.Gallery)
		}
		if len(r.Cases) > 0 {
			d.h2Keep(v.H("sec.outputs"), 70)
			if r.CasesNote != "" {
				d.note(r.CasesNote)
			}
			for _, c := range r.Cases {
				// A case's title, facts and the start of its outputs stay
				// together (the table keeps its header with two rows).
				d.room(12 + 6*float64(len(c.Facts)) + pdfCell*6 + 4)
				d.h3(c.Title)
				for _, f := range c.Facts {
					d.para(f.Label + ": " + f.Value)
				}
				d.table(c.Outputs, []float64{2.6, 1.3, 1, 7}, map[int]bool{2: true}, 8)
			}
		}
	} else {
		d.h2(v.H("sec.results"))
		d.para(v.NoRun)
	}
}

// renderCapacity draws the decision's capacity tests.
func (d *pdfDoc) renderCapacity(v *view) {
	if len(v.Capacity) > 0 {
		d.h2(v.H("sec.capacity"))
		d.note(v.H("capacity.intro"))
		for _, c := range v.Capacity {
			d.h3(c.Title)
			d.bullets(c.Lines, nil)
			d.table(c.Steps, []float64{2.2, 1.1, 1.1, 1.5, 1.3, 1.1, 1.1, 1}, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true}, 8.5)
		}
	}
}

// pdfSafe replaces what the embedded font cannot draw (emoji, other
// scripts, control characters) with "?" — fpdf indexes its width table by
// rune and would otherwise fail on characters past U+FFFF — and tabs with
// spaces.
func pdfSafe(s string) string {
	ok := true
	for _, r := range s {
		if r > 0xFFFF || (r < 0x20 && r != '\n') || (r >= 0x20 && fontReg.Index(r) == 0) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("    ")
		case r == '\r':
		case r > 0xFFFF || r < 0x20 || fontReg.Index(r) == 0:
			b.WriteRune('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
