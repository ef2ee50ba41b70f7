package verdict

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/llm-advisor/llm-advisor/locale"
)

// texts are the verdict's sentences: key → {en, pt-BR}. Arguments are
// already formatted for the language.
var texts = map[string][2]string{
	"no_results": {"The run has no results to judge yet.", "A execução ainda não tem resultados para avaliar."},
	"all_zero": {"Every option got every one of the %s examples wrong (0%%), so there is no pick. Check the expected answers and the checks first: a 0%% often means a check does not fit the answers.",
		"Todas as opções erraram todos os %s exemplos (0%%), então não há escolha. Confira primeiro as respostas esperadas e as verificações: 0%% costuma indicar uma verificação que não combina com as respostas."},
	"pick.sure": {"%s is the cheapest option that clears your bar: it passed %s of %s examples, and even the low end of its range (%s) is above the %s you asked for.",
		"%s é a opção mais barata que atinge o seu mínimo: acertou %s de %s exemplos, e mesmo o limite inferior da faixa (%s) fica acima dos %s que você pediu."},
	"pick.unsure": {"%s reaches your %s bar on these examples (%s of %s passed), but with this few examples that could be luck: its range goes down to %s. Add about %s examples to be sure.",
		"%s chega ao seu mínimo de %s nestes exemplos (acertou %s de %s), mas com tão poucos exemplos isso pode ser sorte: a faixa desce até %s. Acrescente cerca de %s exemplos para ter certeza."},
	"pick.unsure_many": {"%s only just reaches your %s bar (%s of %s examples passed; the range goes down to %s): no practical number of extra examples would make it sure. Treat it as borderline.",
		"%s mal chega ao seu mínimo de %s (acertou %s de %s exemplos; a faixa desce até %s): nenhuma quantidade razoável de exemplos a mais daria certeza. Trate como limítrofe."},
	"pick.best": {"%s passed the most examples (%s of %s) and meets every limit you set.",
		"%s acertou mais exemplos (%s de %s) e cumpre todos os limites que você definiu."},
	"pick.tied": {"%s is the cheapest option that is not clearly worse than the best one, %s (%s): it passed %s of %s examples, and a gap of %s on this many examples could be chance.",
		"%s é a opção mais barata que não é claramente pior que a melhor, %s (%s): acertou %s de %s exemplos, e uma diferença de %s com tão poucos exemplos pode ser acaso."},
	"cost":           {" It would cost about %s a month at %s requests a day.", " Custaria cerca de %s por mês com %s requisições por dia."},
	"cost.free":      {" It costs nothing per request (no price: it runs on your machines).", " Não custa nada por requisição (sem preço: roda nas suas máquinas)."},
	"cost.unknown":   {" Its price is unknown, so its monthly cost is not counted.", " O preço é desconhecido, então o custo mensal não foi calculado."},
	"none":           {"No option meets every criterion.", "Nenhuma opção cumpre todos os critérios."},
	"change.quality": {"Lowering the quality bar to %s would admit %s.", "Baixar o mínimo de qualidade para %s admitiria %s."},
	"change.first":   {"Allowing %s until the answer starts (p95) would admit %s.", "Aceitar %s até a resposta começar (p95) admitiria %s."},
	"change.total":   {"Allowing %s in total (p95) would admit %s.", "Aceitar %s no total (p95) admitiria %s."},
	"change.cost":    {"Raising the monthly budget to %s would admit %s.", "Aumentar o orçamento mensal para %s admitiria %s."},
	"change.and":     {"At the same time:", "Ao mesmo tempo:"},
	"vs.best": {"%s passed the most examples among the options that meet your speed, cost and error limits.",
		"%s acertou mais exemplos entre as opções que cumprem seus limites de velocidade, custo e erros."},
	"vs.tied": {"%s is within %s of %s; on your %s examples that difference could be chance.",
		"%s fica a até %s de %s; nos seus %s exemplos essa diferença pode ser acaso."},
	"vs.worse": {"%s is %s below %s, more than chance explains on %s examples.",
		"%s fica %s abaixo de %s, mais do que o acaso explica em %s exemplos."},
	"vs.better": {"%s is %s above %s, more than chance explains, but it misses: %s.",
		"%s fica %s acima de %s, mais do que o acaso explica, mas não cumpre: %s."},
	"fail." + FailQuality:     {"the quality bar", "o mínimo de qualidade"},
	"fail." + FailFirstAnswer: {"the time until the answer starts", "o tempo até a resposta começar"},
	"fail." + FailTotal:       {"the total time", "o tempo total"},
	"fail." + FailCost:        {"the monthly budget", "o orçamento mensal"},
	"fail." + FailErrors:      {"the error limit (under 5%)", "o limite de erros (menos de 5%)"},
	"fail." + FailHosting:     {"running on your own machines", "rodar nas suas próprias máquinas"},
	"misses":                  {" It misses %s.", " Não cumpre %s."},
	"not_measured": {" Not measured: %s (its requests went through the Batch API, which gives no latency figures).",
		" Não medido: %s (as requisições passaram pela Batch API, que não mede latência)."},
	"note.volume": {"No daily volume was given: monthly costs assume %s requests a day.",
		"Nenhum volume diário foi informado: os custos mensais supõem %s requisições por dia."},
	"note.sets": {"The verdict covers the run's first group of cases; these groups are left out: %s.",
		"O veredito cobre o primeiro grupo de casos da execução; estes grupos ficaram de fora: %s."},
	"points": {"%s points", "%s pontos"},
	"point":  {"1 point", "1 ponto"},
	"and":    {"and", "e"},
	"mdd": {"With %s examples you can tell apart options about %s apart; about %s examples for %s.",
		"Com %s exemplos dá para distinguir opções com cerca de %s de diferença; para %s, seriam cerca de %s exemplos."},
}

type lang struct {
	lang string
	// Money in the sentences: the currency and its rate per US dollar
	// ("" = US dollars; every figure underneath stays in dollars).
	currency string
	perUSD   float64
}

func words(l string) lang {
	if strings.HasPrefix(strings.ToLower(l), "pt") {
		return lang{lang: "pt-BR"}
	}
	return lang{lang: "en"}
}

func (w lang) pt() bool { return w.lang == "pt-BR" }

func (w lang) f(key string, args ...any) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	s := t[0]
	if w.pt() {
		s = t[1]
	}
	if len(args) == 0 {
		return strings.ReplaceAll(s, "%%", "%")
	}
	return fmt.Sprintf(s, args...)
}

// Text is one of the verdict's sentences in a language (en or pt-BR), for
// screens and reports that show the criteria's names.
func Text(language, key string, args ...any) string { return words(language).f(key, args...) }

// FailName is the plain name of a missed criterion in a language.
func FailName(language, fail string) string { return words(language).f("fail." + fail) }

// DetectableSentence says what n cases can tell apart, e.g. "With 40
// examples you can tell apart options about 22 points apart; about 196
// examples for 10 points."
func DetectableSentence(language string, n int) string {
	w := words(language)
	if w.pt() {
		return w.f("mdd", fmtInt(w, n), points(MinDetectableDiff(n)).in(w), "10 pontos", fmtInt(w, CasesFor(0.10)))
	}
	return w.f("mdd", fmtInt(w, n), points(MinDetectableDiff(n)).in(w), fmtInt(w, CasesFor(0.10)), "10 points")
}

// pct formats a share 0..1 as a whole percentage ("85%").
func pct(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }

// pointsOf is a difference of shares in percentage points.
type pointsOf float64

func points(x float64) pointsOf { return pointsOf(math.Abs(x)) }

func (p pointsOf) in(w lang) string {
	n := int(math.Round(float64(p) * 100))
	if n == 1 {
		return w.f("point")
	}
	return w.f("points", strconv.Itoa(n))
}

// String is the English form (for %s in sentences built before a language
// is known); sentence() uses in(w).
func (p pointsOf) String() string { return p.in(lang{lang: "en"}) }

func fmtInt(w lang, n int) string { return locale.For(w.lang).Int(n) }

// money formats USD for the language through the shared formatter:
// "$1,234.50" or "US$ 1.234,50".
func money(w lang, usd float64) string {
	return locale.For(w.lang).WithCurrency(w.currency, w.perUSD).Money(usd)
}

// Money formats USD for a language, as the verdict's sentences do.
func Money(language string, usd float64) string { return money(words(language), usd) }

func ms(w lang, x float64) string {
	if x >= 1000 {
		s := strconv.FormatFloat(x/1000, 'f', 1, 64)
		if w.pt() {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s + " s"
	}
	return strconv.Itoa(int(math.Round(x))) + " ms"
}

func joinList(xs []string) string { return strings.Join(xs, ", ") }

func (w lang) list(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " " + w.f("and") + " " + xs[len(xs)-1]
}

func costPart(w lang, c Candidate, vol float64) string {
	if c.MonthlyUSD == nil {
		return w.f("cost.unknown")
	}
	if *c.MonthlyUSD == 0 {
		return w.f("cost.free")
	}
	return w.f("cost", money(w, *c.MonthlyUSD), fmtInt(w, int(math.Round(vol))))
}

// sentence says how candidate i compares with the best and what it misses.
func sentence(w lang, cands []Candidate, i, n int) string {
	c := cands[i]
	ref := best(cands)
	var s string
	switch c.VsBest {
	case VsBest:
		s = w.f("vs.best", c.Label())
	case VsTied:
		s = w.f("vs.tied", c.Label(), points(c.DiffVsBest).in(w), cands[ref].Label(), fmtInt(w, n))
	case VsWorse:
		s = w.f("vs.worse", c.Label(), points(c.DiffVsBest).in(w), cands[ref].Label(), fmtInt(w, n))
	case VsBetter:
		var names []string
		for _, f := range c.Fails {
			names = append(names, w.f("fail."+f))
		}
		return w.f("vs.better", c.Label(), points(c.DiffVsBest).in(w), cands[ref].Label(), w.list(names))
	}
	if len(c.Fails) > 0 {
		var names []string
		for _, f := range c.Fails {
			names = append(names, w.f("fail."+f))
		}
		s += w.f("misses", w.list(names))
	}
	if len(c.NotMeasured) > 0 {
		var names []string
		for _, f := range c.NotMeasured {
			names = append(names, w.f("fail."+f))
		}
		s += w.f("not_measured", w.list(names))
	}
	return s
}
