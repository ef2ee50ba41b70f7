package advisor

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/locale"
)

// maxShortlist is how many models the shortlist shows.
const maxShortlist = 8

// typeFits reports whether a catalog model of type mt can serve the
// recommended type want: a multimodal LLM also does text, and a general LLM
// that lists the code task can stand in for a code model.
func typeFits(want string, m Model) bool {
	switch want {
	case m.Type:
		return true
	case TypeTextLLM:
		return m.Type == TypeMultimodalLLM
	case TypeCodeLLM:
		return (m.Type == TypeTextLLM || m.Type == TypeMultimodalLLM) && contains(m.Tasks, "code")
	}
	return false
}

func selfHostable(m Model) bool {
	return contains(m.Hosting, HostingSelfHosted) || contains(m.Hosting, HostingLocalApp)
}

// hostingFits reports whether the model can be run the recommended way.
func hostingFits(want string, m Model) bool {
	switch want {
	case HostingManaged:
		return contains(m.Hosting, HostingManaged)
	case HostingLocalApp:
		return contains(m.Hosting, HostingLocalApp)
	}
	return selfHostable(m)
}

// passes reports whether m meets filter f when run with hosting.
func (f Filter) passes(m Model, hosting, hardware string) bool {
	selfHosted := hosting != HostingManaged && selfHostable(m)
	if f.Weights != "" && m.Weights != f.Weights {
		return false
	}
	if len(f.Hosting) > 0 {
		ok := false
		for _, h := range f.Hosting {
			if contains(m.Hosting, h) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.Regions) > 0 && !selfHosted {
		ok := false
		for _, g := range f.Regions {
			if contains(m.Regions, g) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if f.BAA && !selfHosted && !m.BAA {
		return false
	}
	for _, l := range f.ExcludeLicenses {
		if strings.Contains(strings.ToLower(m.License), strings.ToLower(l)) {
			return false
		}
	}
	if f.FitHardware && selfHosted {
		if gb := hardwareGB(hardware); gb >= 0 && m.MinMemoryGB > gb {
			return false
		}
	}
	if f.Languages == "many" && (m.Languages == "few" || m.Languages == "english_only") {
		return false
	}
	return true
}

type candidate struct {
	m     Model
	usd   float64
	ok    bool
	tier  bool
	exact bool // the model's own type is the one recommended (not a stand-in)

	risk     bool     // deprecated, retired or within SoonDays of shutdown (its own or its maker's): never first
	maker    *Model   // the maker's entry when the risk is the maker's retirement
	langNote bool     // the catalog does not say whether it handles the user's languages
	ftWhere  string   // where the fine-tuning job can run, when the plan fine-tunes
	soft     *leftOut // the prompt does not fit it: listed only when nothing else is left
}

// pick returns the catalog models that pass every hard filter and fit want
// (type, weights, hosting and, for language models, the size tier when any
// model of that tier fits), ranked by estimated monthly cost, with the
// hosting actually used and notes on what had to be relaxed.
func (r *run) pick(want ModelChoice, a Answers, u usage, hostingIsPreference bool) (cands []candidate, hosting string, notes []string) {
	var out leftOutNotes
	hosting = want.Hosting
	cands = r.onlyFitting(r.collect(want, a, u, hosting, &out), &notes)
	// A managed service chosen as a preference (not by a hard rule) gives way
	// to self-hosting when the catalog has no hosted model of the type.
	if len(cands) == 0 && hosting == HostingManaged && hostingIsPreference {
		if alt := r.collect(want, a, u, HostingSelfHosted, &out); len(alt) > 0 {
			cands, hosting = r.onlyFitting(alt, &notes), HostingSelfHosted
			notes = append(notes, r.msg(
				"No hosted model of this type in the catalog meets every constraint; the shortlist shows models that need your own hardware.",
				"Nenhum modelo hospedado deste tipo no catálogo atende a todas as restrições; a lista mostra modelos que exigem hardware próprio."))
		}
	}
	// The tier only narrows a list of language models; other model types
	// come in sizes that the hardware filter already handles.
	if want.Type == TypeTextLLM || want.Type == TypeMultimodalLLM || want.Type == TypeCodeLLM {
		cands = r.narrowToTier(cands, want.SizeTier, &notes)
	}
	cands = oncePerModel(rankCandidates(cands))
	if n, ok := r.leftOutNote(out.list); ok {
		notes = append(notes, n)
	}
	return cands, hosting, notes
}

// leftOutNotes gathers, once each, why models were left out.
type leftOutNotes struct {
	seen map[string]bool
	list []leftOut
}

func (o *leftOutNotes) add(lo leftOut) {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if !o.seen[lo.en] {
		o.seen[lo.en] = true
		o.list = append(o.list, lo)
	}
}

// catalogIndex is the position of each catalog id, built once per
// recommendation (the caller holds the engine's read lock).
func (r *run) catalogIndex() map[string]int {
	if r.byID == nil || r.byIDLen != len(r.e.catalog) {
		r.byID, r.byIDLen = make(map[string]int, len(r.e.catalog)), len(r.e.catalog)
		for i := range r.e.catalog {
			r.byID[r.e.catalog[i].ID] = i
		}
	}
	return r.byID
}

// collect lists the catalog models that can serve want on hosting and pass
// every hard filter, each with its estimated cost and what to say about it;
// why the others were left out goes to out.
func (r *run) collect(want ModelChoice, a Answers, u usage, hosting string, out *leftOutNotes) []candidate {
	selfHost := hosting != HostingManaged
	var cands []candidate
	r.e.mu.RLock()
	defer r.e.mu.RUnlock()
	byID := r.catalogIndex()
	for i := range r.e.catalog {
		m := &r.e.catalog[i]
		if !r.eligible(m, want, a, hosting) {
			continue
		}
		runSelf := selfHost && selfHostable(*m)
		lo := r.expertCheck(*m, a, u, runSelf)
		if lo != nil {
			out.add(*lo)
			if !lo.soft {
				continue
			}
		}
		c, ok := r.candidateOf(*m, want, a, u, selfHost, runSelf, byID)
		if !ok {
			continue
		}
		c.soft = lo
		cands = append(cands, c)
	}
	return cands
}

// eligible tells whether catalog model m may serve want on hosting: not
// retired, no reseller, the type, weights and hosting fit, every hard filter
// passes and a model run on the user's own machines fits them.
func (r *run) eligible(m *Model, want ModelChoice, a Answers, hosting string) bool {
	// Retired models are never shortlisted; resellers pass requests on to
	// other providers, so they are left to the catalog view.
	if m.Reseller || !typeFits(want.Type, *m) || !hostingFits(hosting, *m) || m.StatusOn(r.e.today) == StatusRetired {
		return false
	}
	if want.Weights != WeightsEither && m.Weights != want.Weights {
		return false
	}
	for _, f := range r.filters {
		if !f.passes(*m, hosting, a.Hardware) {
			return false
		}
	}
	// A model run on the user's own machines must fit them, whichever rule
	// led to self-hosting (cloud VMs in the user's tenant can be sized).
	if hosting != HostingManaged && a.Deployment != "own_cloud_tenant" {
		if gb := hardwareGB(a.Hardware); gb >= 0 && m.MinMemoryGB > gb {
			return false
		}
	}
	return true
}

// candidateOf is m as a shortlist candidate: its cost, tier, lifecycle risk
// (its own or its maker's), language and fine-tuning notes. It is false for
// a model whose maker has shut it down.
func (r *run) candidateOf(m Model, want ModelChoice, a Answers, u usage, selfHost, runSelf bool, byID map[string]int) (candidate, bool) {
	usd, priced := costFor(m, u, selfHost)
	exact := m.Type == want.Type || (want.Type == TypeTextLLM && m.Type == TypeMultimodalLLM)
	c := candidate{m: m, usd: usd, ok: priced, tier: m.SizeTier == "" || m.SizeTier == want.SizeTier, exact: exact}
	c.risk = m.LifecycleRisk(r.e.today)
	if mk, risky := r.e.makerRisk(m, byID); risky && !c.risk {
		if mk.StatusOn(r.e.today) == StatusRetired {
			return c, false // its maker has shut it down: not a model to list anywhere
		}
		c.risk, c.maker = true, &mk
	}
	if isLanguageModel(m.Type) {
		_, known := languageFit(m, a.LanguageList)
		c.langNote = !known
	}
	if r.plan[StepFineTuning] != nil && r.plan[StepFineTuning].in {
		c.ftWhere = fineTuneWhere(m, runSelf, r.e.today)
	}
	return c, true
}

// onlyFitting keeps the models the prompt fits; those it does not fit come
// back only when nothing else is left, with the reason said in notes.
func (r *run) onlyFitting(cands []candidate, notes *[]string) []candidate {
	var hard, soft []candidate
	for _, c := range cands {
		if c.soft == nil {
			hard = append(hard, c)
		} else {
			soft = append(soft, c)
		}
	}
	if len(hard) > 0 || len(soft) == 0 {
		return hard
	}
	*notes = append(*notes, r.msg(
		"No model holds the whole prompt: split the input into parts (and combine the partial answers) or retrieve only the passages each request needs.",
		"Nenhum modelo comporta o prompt inteiro: divida a entrada em partes (e combine as respostas parciais) ou recupere só os trechos de que cada requisição precisa."))
	return soft
}

// narrowToTier keeps the language models of the size tier when any fits,
// unless every one of them is being retired and other sizes are not.
func (r *run) narrowToTier(cands []candidate, tier string, notes *[]string) []candidate {
	var inTier []candidate
	safeInTier, safeElsewhere := false, false
	for _, c := range cands {
		if c.tier {
			inTier = append(inTier, c)
			safeInTier = safeInTier || !c.risk
		} else {
			safeElsewhere = safeElsewhere || !c.risk
		}
	}
	switch {
	case len(inTier) > 0 && !safeInTier && safeElsewhere:
		// Every model of the tier is being retired: other sizes with no
		// retirement announced come first rather than a model to migrate off.
		*notes = append(*notes, r.msg(
			fmt.Sprintf("Every catalog model of the %s size tier that passes is being retired; the shortlist also shows other sizes.", tier),
			fmt.Sprintf("Todos os modelos do catálogo de porte %s que atendem serão descontinuados em breve; a lista mostra também outros portes.", tierPT[tier])))
	case len(inTier) > 0:
		return inTier
	case len(cands) > 0:
		*notes = append(*notes, r.msg(
			fmt.Sprintf("No catalog model of the %s size tier passes every constraint; the shortlist shows other sizes.", tier),
			fmt.Sprintf("Nenhum modelo do catálogo de porte %s atende a todas as restrições; a lista mostra outros portes.", tierPT[tier])))
	}
	return cands
}

// rankCandidates orders the candidates, best first: the recommended type
// itself, no lifecycle risk, languages known, priced, cheapest, in the tier,
// active, smallest, not a preview, the maker's own API, then by id. The
// order is worked out on positions, so the large candidates move only once.
func rankCandidates(cands []candidate) []candidate {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return better(&cands[order[i]], &cands[order[j]]) })
	out := make([]candidate, len(cands))
	for i, k := range order {
		out[i] = cands[k]
	}
	return out
}

// better tells whether candidate a ranks before b.
func better(a, b *candidate) bool {
	if a.exact != b.exact {
		return a.exact
	}
	if a.risk != b.risk {
		return !a.risk
	}
	if a.langNote != b.langNote {
		return !a.langNote
	}
	if a.ok != b.ok {
		return a.ok
	}
	if a.usd != b.usd {
		return a.usd < b.usd
	}
	if a.tier != b.tier {
		return a.tier
	}
	if (a.m.Status == StatusActive) != (b.m.Status == StatusActive) {
		return a.m.Status == StatusActive
	}
	if a.m.MinMemoryGB != b.m.MinMemoryGB {
		return a.m.MinMemoryGB < b.m.MinMemoryGB
	}
	if (a.m.Status == StatusPreview) != (b.m.Status == StatusPreview) {
		return a.m.Status != StatusPreview
	}
	// At the same price the maker's own API comes before a cloud or host
	// serving the model: one key, nothing else to set up.
	if fa, fb := firstParty[a.m.ProviderID], firstParty[b.m.ProviderID]; fa != fb {
		return fa
	}
	return a.m.ID < b.m.ID
}

// oncePerModel lists one model served by several providers once, at its
// best place.
func oncePerModel(cands []candidate) []candidate {
	seen := map[string]bool{}
	kept := cands[:0]
	for _, c := range cands {
		k := normName(c.m)
		if seen[k] {
			continue
		}
		seen[k] = true
		kept = append(kept, c)
	}
	return kept
}

// leftOutNote says which models were left out and why (the first four).
func (r *run) leftOutNote(out []leftOut) (string, bool) {
	if len(out) == 0 {
		return "", false
	}
	var en, pt []string
	for i, lo := range out {
		if i == 4 {
			en = append(en, fmt.Sprintf("and %d more", len(out)-4))
			pt = append(pt, fmt.Sprintf("e mais %d", len(out)-4))
			break
		}
		en, pt = append(en, lo.en), append(pt, lo.pt)
	}
	return r.msg("Left out: "+strings.Join(en, "; ")+".", "Deixados de fora: "+strings.Join(pt, "; ")+"."), true
}

// tierPT names the size tiers in Portuguese.
var tierPT = map[string]string{TierSmall: "pequeno", TierMid: "médio", TierFrontier: "de ponta", TierReasoning: "de raciocínio"}

// maxAlsoShortlist is how many models each further model type shows.
const maxAlsoShortlist = 3

// buildShortlist fills the shortlist of the recommended model type and of
// each further type in Also, and the shortlist facts rules of stages 6–7 see.
func (r *run) buildShortlist(a Answers) {
	rec := r.rec
	r.dirty = false
	u := usageFor(a).withPlan(a, r.plan[StepRAG].in)
	cands, hosting, notes := r.pick(rec.Model, a, u, r.model["hosting"].prec > 2)
	r.slWarnings = append(r.slWarnings[:0], notes...)
	want := rec.Model
	want.Hosting = hosting
	selfHost := hosting != HostingManaged
	if len(cands) > maxShortlist {
		cands = cands[:maxShortlist]
	}
	rec.AlsoShortlist = rec.AlsoShortlist[:0]
	for _, t := range rec.Also {
		aw := ModelChoice{Type: t, Weights: rec.Model.Weights, Hosting: rec.Model.Hosting, SizeTier: TierMid}
		if aw.Hosting != HostingManaged {
			aw.SizeTier = TierSmall
		}
		ac, ah, _ := r.pick(aw, a, u, r.model["hosting"].prec > 2)
		aw.Hosting = ah
		if len(ac) > maxAlsoShortlist {
			ac = ac[:maxAlsoShortlist]
		}
		list := AlsoShortlist{Type: t, Shortlist: []Shortlisted{}}
		for _, c := range ac {
			sl := Shortlisted{ID: c.m.ID, Name: c.m.Name, MonthlyCostUSD: c.usd, Why: r.why(c, aw, a),
				CostKnown: c.ok, SelfHosted: ah != HostingManaged && selfHostable(c.m)}
			r.setLifecycle(&sl, c)
			list.Shortlist = append(list.Shortlist, sl)
		}
		rec.AlsoShortlist = append(rec.AlsoShortlist, list)
	}
	rec.Shortlist = rec.Shortlist[:0]
	r.env.ShortlistLicenses = r.env.ShortlistLicenses[:0]
	r.env.CheapestCost = -1
	for _, c := range cands {
		sl := Shortlisted{ID: c.m.ID, Name: c.m.Name, MonthlyCostUSD: c.usd, Why: r.why(c, want, a),
			CostKnown: c.ok, SelfHosted: selfHost && selfHostable(c.m)}
		r.setLifecycle(&sl, c)
		rec.Shortlist = append(rec.Shortlist, sl)
		r.env.ShortlistLicenses = append(r.env.ShortlistLicenses, c.m.License)
		if c.ok && (r.env.CheapestCost < 0 || c.usd < r.env.CheapestCost) {
			r.env.CheapestCost = c.usd
		}
		if c.risk {
			r.slWarnings = append(r.slWarnings, r.lifecycleWarning(c))
		}
		if c.langNote && len(a.LanguageList) > 0 {
			r.slWarnings = append(r.slWarnings, r.msg(
				fmt.Sprintf("%s: the catalog does not say whether it handles %s; test it in those languages.", c.m.Name, strings.Join(a.LanguageList, ", ")),
				fmt.Sprintf("%s: o catálogo não informa se ele atende %s; teste nesses idiomas.", c.m.Name, strings.Join(a.LanguageList, ", "))))
		}
	}
	r.env.ShortlistCount = len(rec.Shortlist)
	r.env.BudgetCap = budgetCapUSD(a.BudgetMonthly)
	if r.env.BudgetMonthlyUSD >= 0 {
		r.env.BudgetCap = r.env.BudgetMonthlyUSD // an exact amount is the cap itself
	}
	if len(rec.Shortlist) == 0 {
		r.slWarnings = append(r.slWarnings, r.msg(
			"No catalog model meets every constraint; add one to the catalog or relax a constraint (see conflicts).",
			"Nenhum modelo do catálogo atende a todas as restrições; adicione um ao catálogo ou flexibilize uma restrição (veja os conflitos)."))
	}
}

// lifecycleText is a shortlisted model's retirement in a few words: its
// date, days left and successor (or its maker's, for a model on a cloud).
func (r *run) lifecycleText(c candidate) string {
	m := c.m
	if c.maker != nil {
		m = *c.maker
	}
	st := m.StatusOn(r.e.today)
	days := m.DaysLeft(r.e.today)
	if st == StatusActive && days < 0 {
		return ""
	}
	var en, pt string
	switch {
	case days >= 0:
		en = fmt.Sprintf("shuts down %s (%d days left)", m.ShutdownDate, days)
		pt = fmt.Sprintf("será desligado em %s (faltam %d dias)", m.ShutdownDate, days)
	case st == StatusDeprecated:
		en, pt = "deprecated by its provider", "descontinuado pelo fornecedor"
	default:
		return ""
	}
	if c.maker != nil {
		en = "its maker " + en
		pt = "o fabricante: " + pt
	}
	if m.Successor != "" {
		en += "; successor " + m.Successor
		pt += "; sucessor " + m.Successor
	}
	return r.msg(en, pt)
}

// setLifecycle fills a shortlist item's status, shutdown date and successor:
// its own, or its maker's when the maker is retiring it.
func (r *run) setLifecycle(sl *Shortlisted, c candidate) {
	m := c.m
	if c.maker != nil {
		m = *c.maker
	}
	sl.Status = m.StatusOn(r.e.today)
	sl.ShutdownDate, sl.Successor = m.ShutdownDate, m.Successor
	sl.PriceAsOf = c.m.PriceAsOf
}

// lifecycleWarning explains why a shortlisted model is not ranked first.
func (r *run) lifecycleWarning(c candidate) string {
	return r.msg(
		fmt.Sprintf("%s is not a model to start on: %s. It is listed after the models with no retirement announced.", c.m.Name, r.lifecycleText(c)),
		fmt.Sprintf("%s não é um modelo para começar: %s. Aparece depois dos modelos sem desligamento anunciado.", c.m.Name, r.lifecycleText(c)))
}

func (r *run) msg(en, pt string) string {
	if r.lang == LangPT {
		return pt
	}
	return en
}

// why explains in plain language why a model is on the shortlist.
func (r *run) why(c candidate, want ModelChoice, a Answers) string {
	m := c.m
	var parts []string
	pt := r.lang == LangPT
	add := func(en, p string) {
		if pt {
			parts = append(parts, p)
		} else {
			parts = append(parts, en)
		}
	}
	if m.Weights == WeightsOpen {
		add("open weights ("+m.License+")", "pesos abertos ("+m.License+")")
	} else {
		add("managed service ("+m.Provider+")", "serviço gerenciado ("+m.Provider+")")
	}
	if want.Hosting != HostingManaged && selfHostable(m) {
		if m.MinMemoryGB > 0 {
			add(fmt.Sprintf("runs on your hardware with about %g GB of memory; no API cost", m.MinMemoryGB),
				fmt.Sprintf("roda no seu hardware com cerca de %g GB de memória; sem custo de API", m.MinMemoryGB))
		} else {
			add("runs on your hardware; no API cost", "roda no seu hardware; sem custo de API")
		}
	} else if c.ok {
		cur := MoneyOf(a)
		add(fmt.Sprintf("about %s a month at your volume (prices as of %s)", locale.For(LangEN).WithCurrency(cur.Currency, cur.PerUSD).Money(c.usd), m.PriceAsOf),
			fmt.Sprintf("cerca de %s por mês no seu volume (preços de %s)", locale.For(LangPT).WithCurrency(cur.Currency, cur.PerUSD).Money(c.usd), dayPT(m.PriceAsOf)))
	} else {
		add("no list price in the catalog: check the provider", "sem preço de tabela no catálogo: consulte o fornecedor")
	}
	if want.Hosting == HostingManaged && contains(m.Regions, "eu") && a.Residency == "eu" {
		add("can process data in the EU", "pode processar dados na UE")
	}
	if want.Hosting == HostingManaged && m.BAA && a.HasRegulation("hipaa") {
		add("BAA available", "BAA disponível")
	}
	if m.ContextTokens > 0 && (want.Type == TypeTextLLM || want.Type == TypeMultimodalLLM || want.Type == TypeCodeLLM) {
		add(fmt.Sprintf("%s-token context", fmtInt(float64(m.ContextTokens), r.lang)),
			fmt.Sprintf("contexto de %s tokens", fmtInt(float64(m.ContextTokens), r.lang)))
	}
	if life := r.lifecycleText(c); life != "" {
		parts = append(parts, life)
	}
	if c.ftWhere != "" {
		add("can be fine-tuned "+fineTunePlace(c.ftWhere, LangEN), "pode ser ajustado (fine-tuning) "+fineTunePlace(c.ftWhere, LangPT))
	}
	if c.langNote && len(a.LanguageList) > 0 {
		add("languages not stated: test in "+strings.Join(a.LanguageList, ", "), "idiomas não informados: teste em "+strings.Join(a.LanguageList, ", "))
	}
	return strings.Join(parts, "; ")
}

// dayPT writes an ISO day (2026-04-02) as Brazilians write it (02/04/2026);
// anything else is kept as it is.
func dayPT(iso string) string {
	if t, err := time.Parse("2006-01-02", iso); err == nil {
		return t.Format("02/01/2006")
	}
	return iso
}
