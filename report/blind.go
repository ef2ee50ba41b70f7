package report

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// BlindPage is a blind side-by-side comparison a colleague does in a
// browser, with no server: every answer pair of the layout, in the order
// and sides laid out, and the names to reveal after each choice.
type BlindPage struct {
	Title string
	Lang  string // en | pt-BR
	RunID int64
	Items []BlindPageItem
}

// BlindPageItem is one case and its two answers as shown.
type BlindPageItem struct {
	Left      int64  `json:"l"`
	Right     int64  `json:"r"`
	Input     string `json:"in"`
	Expected  string `json:"ex"`
	LeftText  string `json:"lt"`
	RightText string `json:"rt"`
	LeftName  string `json:"ln"`
	RightName string `json:"rn"`
}

// MaxBlindText bounds each text on the page (bytes): a long answer is cut,
// with a mark, so the page stays small enough to mail.
const MaxBlindText = 8000

// blindWords are the page's texts; {n} and {of} are filled by the script.
var blindWords = map[string]map[string]string{
	"en": {
		"title": "Blind comparison", "intro": "For each example, pick the better answer. The names of the models stay hidden until you choose. Keys: 1 or ← left is better, 2 or → right is better, 3 or ↓ both the same, 4 or ↑ both bad, Backspace goes back. Your choices stay in this browser; when done, download them and send the file back.",
		"who": "Your name", "progress": "{n} of {of}", "input": "The question", "expected": "The answer you would accept",
		"left": "Left answer", "right": "Right answer", "c.left": "1 · Left is better", "c.right": "2 · Right is better",
		"c.same": "3 · The same", "c.both_bad": "4 · Both bad", "back": "Back", "download": "Download my choices",
		"done": "All done: download your choices and send the file back.", "was": "Previous example: you chose \u201c{c}\u201d; the left answer was {l}, the right one {r}.",
		"none": "Nothing to compare.",
	},
	"pt-BR": {
		"title": "Comparação às cegas", "intro": "Em cada exemplo, escolha a melhor resposta. Os nomes dos modelos ficam escondidos até você escolher. Teclas: 1 ou ← a da esquerda é melhor, 2 ou → a da direita é melhor, 3 ou ↓ as duas iguais, 4 ou ↑ as duas ruins, Backspace volta. Suas escolhas ficam guardadas neste navegador; no fim, baixe o arquivo e mande de volta.",
		"who": "Seu nome", "progress": "{n} de {of}", "input": "A pergunta", "expected": "A resposta que você aceitaria",
		"left": "Resposta da esquerda", "right": "Resposta da direita", "c.left": "1 · A da esquerda é melhor", "c.right": "2 · A da direita é melhor",
		"c.same": "3 · Iguais", "c.both_bad": "4 · As duas ruins", "back": "Voltar", "download": "Baixar minhas escolhas",
		"done": "Pronto: baixe suas escolhas e mande o arquivo de volta.", "was": "Exemplo anterior: você escolheu \u201c{c}\u201d; a resposta da esquerda era de {l}, a da direita de {r}.",
		"none": "Nada para comparar.",
	},
}

// blindStyle and blindScript are the page's only style and script; the
// Content-Security-Policy allows exactly these two by their hashes and
// nothing else (no network, no other script, no inline handler).
const blindStyle = `body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:1.4em;margin:0 0 8px}#intro{color:#555;margin:0 0 12px}
.row{display:flex;gap:16px;align-items:stretch}.col{flex:1;border:1px solid #bbb;border-radius:6px;padding:10px;min-width:0}
.col h3{margin:0 0 6px;font-size:1em}.txt{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
#case{background:#f4f4f4;border-radius:6px;padding:10px;margin:0 0 12px}
#bar{display:flex;gap:8px;flex-wrap:wrap;margin:12px 0}button{font-size:1em;padding:8px 12px}
#progress{font-weight:bold;margin:8px 0}#was{color:#1b5e20;min-height:1.4em}label{margin-right:6px}`

const blindScript = `(function(){
"use strict";
var W=JSON.parse(document.getElementById("words").textContent);
var D=JSON.parse(document.getElementById("items").textContent);
var items=D.items, key="llm-advisor-blind-"+D.id, st={i:0,c:{},at:{},who:""};
try{var s=JSON.parse(localStorage.getItem(key)||"null");if(s&&typeof s.i==="number"&&s.c){st=s;}}catch(e){}
function el(id){return document.getElementById(id);}
function save(){try{localStorage.setItem(key,JSON.stringify(st));}catch(e){}}
function fill(t,m){return t.replace(/\{(\w+)\}/g,function(_,k){return m[k]===undefined?"":String(m[k]);});}
var who=el("who");who.value=st.who||"";
who.addEventListener("input",function(){st.who=who.value.slice(0,200);save();});
function render(){
  var n=items.length;
  if(st.i>n){st.i=n;}
  el("progress").textContent=fill(W.progress,{n:Math.min(st.i+1,n),of:n});
  var done=st.i>=n;
  el("pair").hidden=done;el("bar").hidden=done;el("done").hidden=!done;
  if(n===0){el("done").textContent=W.none;return;}
  if(done){el("progress").textContent=fill(W.progress,{n:n,of:n});return;}
  var it=items[st.i];
  el("in").textContent=it["in"];el("ex").textContent=it.ex;
  el("lt").textContent=it.lt;el("rt").textContent=it.rt;
}
function choose(c){
  if(st.i>=items.length){return;}
  var it=items[st.i];
  st.c[st.i]=c;st.at[st.i]=new Date().toISOString().replace(/\.\d+Z$/,"Z");
  el("was").textContent=fill(W.was,{c:W["c."+c].replace(/^\d · /,""),l:it.ln,r:it.rn});
  st.i++;save();render();
}
function back(){if(st.i>0){st.i--;el("was").textContent="";save();render();}}
function q(s){s=String(s);return /[",;\n\r]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
function csv(){
  var out=["left_result,right_result,choice,who,judged_at"];
  for(var i=0;i<items.length;i++){
    if(st.c[i]===undefined){continue;}
    out.push([items[i].l,items[i].r,st.c[i],q(st.who||""),st.at[i]||""].join(","));
  }
  return out.join("\r\n")+"\r\n";
}
function download(){
  var b=new Blob([csv()],{type:"text/csv"});
  var a=document.createElement("a");
  a.href=URL.createObjectURL(b);a.download="blind-choices-run-"+D.run+".csv";
  document.body.appendChild(a);a.click();document.body.removeChild(a);
}
var keys={"1":"left","ArrowLeft":"left","2":"right","ArrowRight":"right","3":"same","ArrowDown":"same","4":"both_bad","ArrowUp":"both_bad"};
document.addEventListener("keydown",function(e){
  var t=e.target&&e.target.tagName;
  if(t==="INPUT"||t==="TEXTAREA"||e.ctrlKey||e.metaKey||e.altKey){return;}
  if(keys[e.key]){e.preventDefault();choose(keys[e.key]);}
  else if(e.key==="Backspace"){e.preventDefault();back();}
});
["left","right","same","both_bad"].forEach(function(c){el("b-"+c).addEventListener("click",function(){choose(c);});});
el("back").addEventListener("click",back);
el("dl").addEventListener("click",download);
el("dl2").addEventListener("click",download);
render();
})();`

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

// BlindCSP is the page's Content-Security-Policy: nothing from anywhere,
// only the page's own style and script, known by their hashes.
var BlindCSP = "default-src 'none'; script-src " + cspHash(blindScript) + "; style-src " + cspHash(blindStyle) +
	"; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

var blindTmpl = template.Must(template.New("blind").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.W.title}} — {{.Title}}</title>
<style>{{.Style}}</style></head>
<body>
<h1>{{.W.title}} — {{.Title}}</h1>
<p id="intro">{{.W.intro}}</p>
<p><label for="who">{{.W.who}}</label><input id="who" maxlength="200" autocomplete="name"> <button id="dl" type="button">{{.W.download}}</button></p>
<div id="progress"></div>
<div id="was" role="status"></div>
<div id="pair">
<div id="case"><h3>{{.W.input}}</h3><p id="in" class="txt"></p><h3>{{.W.expected}}</h3><p id="ex" class="txt"></p></div>
<div class="row"><div class="col"><h3>{{.W.left}}</h3><p id="lt" class="txt"></p></div><div class="col"><h3>{{.W.right}}</h3><p id="rt" class="txt"></p></div></div>
</div>
<div id="bar"><button id="b-left" type="button">{{index .W "c.left"}}</button><button id="b-right" type="button">{{index .W "c.right"}}</button><button id="b-same" type="button">{{index .W "c.same"}}</button><button id="b-both_bad" type="button">{{index .W "c.both_bad"}}</button><button id="back" type="button">{{.W.back}}</button></div>
<p id="done" hidden>{{.W.done}} <button id="dl2" type="button">{{.W.download}}</button></p>
<script type="application/json" id="words">{{.WordsJSON}}</script>
<script type="application/json" id="items">{{.ItemsJSON}}</script>
<script>{{.Script}}</script>
</body></html>
`))

func cut(s string) string {
	if len(s) <= MaxBlindText {
		return s
	}
	s = s[:MaxBlindText]
	for len(s) > 0 && !utf8Start(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s + " […]"
}

func utf8Start(b byte) bool { return b < 0x80 || b >= 0xC0 }

// WriteBlindHTML writes the blind comparison as one self-contained page:
// no request leaves it (the CSP allows none), every text reaches the page
// as JSON inside a data block (json escapes <, > and &, so no text can
// close it) and the script puts texts on the page as text only, never as
// markup. The colleague's choices download as a CSV of
// left_result,right_result,choice,who,judged_at that `rate --import` and the
// app's Import button read.
func WriteBlindHTML(w io.Writer, p BlindPage) error {
	lang := "en"
	if strings.HasPrefix(p.Lang, "pt") {
		lang = "pt-BR"
	}
	items := make([]BlindPageItem, len(p.Items))
	for i, it := range p.Items {
		it.Input, it.Expected, it.LeftText, it.RightText = cut(it.Input), cut(it.Expected), cut(it.LeftText), cut(it.RightText)
		items[i] = it
	}
	// The storage key of the browser's progress: this layout, not another
	// export of the same run.
	h := sha256.New()
	fmt.Fprintf(h, "%d", p.RunID)
	for _, it := range items {
		fmt.Fprintf(h, ",%d-%d", it.Left, it.Right)
	}
	id := fmt.Sprintf("%x", h.Sum(nil))[:16]
	itemsJSON, err := json.Marshal(struct {
		ID    string          `json:"id"`
		Run   int64           `json:"run"`
		Items []BlindPageItem `json:"items"`
	}{id, p.RunID, items})
	if err != nil {
		return err
	}
	wordsJSON, err := json.Marshal(blindWords[lang])
	if err != nil {
		return err
	}
	return blindTmpl.Execute(w, struct {
		Lang, Title, CSP string
		W                map[string]string
		Style            template.CSS
		Script           template.JS
		WordsJSON        template.JS
		ItemsJSON        template.JS
	}{lang, p.Title, BlindCSP, blindWords[lang], template.CSS(blindStyle), template.JS(blindScript), template.JS(wordsJSON), template.JS(itemsJSON)})
}
