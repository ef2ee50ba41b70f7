package report

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
)

// WriteHTML writes the report as one self-contained HTML page: the charts are
// inline SVG data URIs, generated images inline data URIs (scaled down when
// large) and the style is in the page. html/template escapes
// every text, so model outputs (untrusted) and user texts cannot inject markup.
func WriteHTML(w io.Writer, in Input) error {
	v, err := buildView(in)
	if err != nil {
		return err
	}
	charts, err := Charts(in, ChartOptions{SVG: true})
	if err != nil {
		return err
	}
	type img struct {
		Title string
		Src   template.URL
	}
	var imgs []img
	vc, charts := splitVerdictChart(charts)
	var vimg *img
	if vc != nil {
		vimg = &img{vc.Title, template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(vc.SVG))}
	}
	for _, c := range charts {
		// The SVG is our own rendering with its texts escaped; an <img>
		// never runs scripts, whatever it contains.
		imgs = append(imgs, img{c.Title, template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(c.SVG))})
	}
	// Generated images are embedded too, scaled down when large; one that
	// is missing or unreadable shows its note instead.
	type shot struct {
		galleryItem
		Src template.URL
	}
	var shots []shot
	if v.Run != nil {
		loaded := loadGallery(v.Run.Gallery, htmlImageSide, true)
		for i, g := range v.Run.Gallery {
			sh := shot{galleryItem: g}
			if im := loaded[i]; im != nil {
				sh.Src = template.URL("data:" + im.MIME + ";base64," + base64.StdEncoding.EncodeToString(im.Data))
			} else if !g.Missing {
				sh.Note = g.Unreadable
			}
			shots = append(shots, sh)
		}
	}
	data := struct {
		*view
		Charts       []img
		Gallery      []shot
		VerdictChart *img
	}{v, imgs, shots, vimg}
	if err := htmlPage.Execute(w, data); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.1em}h2{border-bottom:2px solid #4E79A7;padding-bottom:.2em;margin-top:1.8em}h3{margin-top:1.4em}
.muted{color:#666}.note{color:#555;font-style:italic}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f8}tr:nth-child(even) td{background:#fafafa}
td.num{text-align:right;white-space:nowrap}
td.out{white-space:pre-wrap;word-break:break-word}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}
figure{margin:1em 0}figure img{width:100%;height:auto;border:1px solid #eee}
.gate{color:#555;font-style:italic}.id{font-family:monospace;color:#888;font-size:.85em}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:1em;margin:1em 0}
.gallery figure{margin:0;border:1px solid #e3e3e3;padding:.5em;font-size:.88em}.gallery figure img{width:auto;max-width:100%;height:auto;display:block;margin:0 auto .4em;border:0}
.missing{background:#f6f6f6;color:#777;font-style:italic;padding:2em .5em;text-align:center;margin-bottom:.4em}
.v-accepted{color:#2e7d32;font-weight:bold}.v-rejected{color:#c62828;font-weight:bold}.v-unrated{color:#777;font-style:italic}
.headline{font-size:1.3em;font-weight:bold}.picked{color:#1b5e20}.nopick{color:#b71c1c}
@media print{section.verdict{page-break-after:always}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="muted">{{.H "generated"}}: {{.Generated}}</p>
{{with .MoneyNote}}<p class="muted">{{.}}</p>{{end}}
{{with .Verdict}}<section class="verdict">
<h2>{{$.H "sec.verdict"}}</h2>
<p class="headline {{if .Picked}}picked{{else}}nopick{{end}}">{{.Headline}}</p>
<p>{{.Reason}}</p>
<h3>{{$.H "verdict.options"}}</h3>
<table><tr>{{range .Candidates.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Candidates.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{with $.VerdictChart}}<figure><img src="{{.Src}}" alt="{{.Title}}"></figure>{{end}}
<h3>{{$.H "verdict.criteria"}}</h3>
<table><tr>{{range .Criteria.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Criteria.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<h3>{{$.H "verdict.compare"}}</h3>
<ul>{{range .Sentences}}<li>{{.}}</li>{{end}}</ul>
<p class="note">{{.Detectable}}</p>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
<p class="note">{{.Method}}</p>
{{if .People.Rows}}<h3>{{$.H "people.title"}}</h3>
<table><tr>{{range .People.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .People.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<ul>{{range .PeopleLines}}<li>{{.}}</li>{{end}}</ul>
<p class="note">{{$.H "people.method"}}</p>{{end}}
</section>{{end}}
{{if .UseCase}}<h2>{{.H "sec.use_case"}}</h2>
<p>{{.UseCase}}</p>{{end}}
{{if .Answers}}<h2>{{.H "sec.answers"}}</h2>
<dl class="facts">{{range .Answers}}<dt>{{.Label}}</dt><dd>{{.Value}}</dd>{{end}}</dl>{{end}}
<h2>{{.H "sec.rec"}}</h2>
{{with .Rec}}
<dl class="facts">{{range .Facts}}<dt>{{.Label}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
<h3>{{$.H "sec.plan"}}</h3>
<ol>{{range .Steps}}<li><strong>{{.Title}}</strong>{{if .Detail}} — {{.Detail}}{{end}}{{if .Gate}} <span class="gate">({{$.H "gate"}}: {{.Gate}})</span>{{end}}</li>{{end}}</ol>
{{if .Fired}}<h3>{{$.H "sec.why"}}</h3>
<ul>{{range .Fired}}<li>{{if .Title}}<strong>{{.Title}}</strong> — {{end}}{{.Because}}{{if .Sources}} ({{range $i, $u := .Sources}}{{if $i}}, {{end}}<a href="{{$u}}">{{$.H "source"}}</a>{{end}}){{end}} <span class="id">{{.ID}}</span></li>{{end}}</ul>{{end}}
{{if .Warnings}}<h3>{{$.H "sec.warnings"}}</h3>
<ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Conflicts}}<h3>{{$.H "sec.conflicts"}}</h3>
<ul>{{range .Conflicts}}<li>{{.Between}} → {{$.H "relaxation"}}: {{.Relaxation}}</li>{{end}}</ul>{{end}}
{{if .Assumptions}}<h3>{{$.H "sec.assumptions"}}</h3>
<ul>{{range .Assumptions}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Shortlist.Rows}}<h3>{{$.H "sec.shortlist"}}</h3>
<table><tr>{{range .Shortlist.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Shortlist.Rows}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td>{{index . 2}}</td></tr>
{{end}}</table>
{{range .Also}}<h4>{{.Title}}</h4>
<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td><td>{{index . 2}}</td></tr>
{{end}}</table>{{end}}
{{if .CostAssumptions}}<p class="note">{{$.H "cost_assumptions"}}: {{.CostAssumptions}}</p>{{end}}{{end}}
{{else}}<p>{{.NoRec}}</p>{{end}}
{{with .Run}}
<h2>{{$.H "sec.setup"}}</h2>
<dl class="facts">{{range .Facts}}<dt>{{.Label}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
<table><tr>{{range .Endpoints.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Endpoints.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{end}}
{{if .Charts}}<h2>{{.H "sec.charts"}}</h2>
{{range .Charts}}<figure><img src="{{.Src}}" alt="{{.Title}}"></figure>
{{end}}{{end}}
{{with .Run}}
<h2>{{$.H "sec.results"}}</h2>
{{if .NoResults}}<p>{{.NoResults}}</p>{{else}}
{{range .Results}}{{if .Title}}<h3>{{.Title}}</h3>{{end}}
{{$from := .NumFrom}}<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range $i, $c := .}}{{if lt $i $from}}<td>{{$c}}</td>{{else}}<td class="num">{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</table>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}{{end}}
{{if .FreeNote}}<p class="note">{{.FreeNote}}</p>{{end}}{{end}}
{{if $.Gallery}}<h2>{{$.H "sec.gallery"}}</h2>
{{if .GalleryNote}}<p class="note">{{.GalleryNote}}</p>{{end}}
<div class="gallery">{{range $.Gallery}}<figure>{{if .Src}}<img src="{{.Src}}" alt="{{.Alt}}">{{else}}<div class="missing">{{.Note}}</div>{{end}}<figcaption><strong>{{.Model}}</strong>{{if .Prompt}}<br>{{.Prompt}}{{end}}<br><span class="muted">{{.Facts}}</span><br><span class="v-{{.VerdictKey}}">{{.Verdict}}</span></figcaption></figure>
{{end}}</div>{{end}}
{{if .Cases}}<h2>{{$.H "sec.outputs"}}</h2>
{{if .CasesNote}}<p class="note">{{.CasesNote}}</p>{{end}}
{{range .Cases}}<h3>{{.Title}}</h3>
{{range .Facts}}<p><strong>{{.Label}}:</strong> {{.Value}}</p>
{{end}}
<table><tr>{{range .Outputs.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Outputs.Rows}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td><td class="num">{{index . 2}}</td><td class="out">{{index . 3}}</td></tr>
{{end}}</table>
{{end}}{{end}}
{{else}}<p>{{.NoRun}}</p>{{end}}
{{if .Capacity}}<h2>{{.H "sec.capacity"}}</h2>
<p class="note">{{.H "capacity.intro"}}</p>
{{range .Capacity}}<h3>{{.Title}}</h3>
<ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul>
<table><tr>{{range .Steps.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Steps.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}{{end}}
{{if .Next}}<h2>{{.H "sec.next"}}</h2>
<ul>{{range .Next}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body>
</html>
`))
