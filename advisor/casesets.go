package advisor

// Sets returns every case set of the plan in run order: the top-level cases
// first (as a set named "" of the plan's Kind, with the plan's endpoints,
// documents, top_k and kind fields; left out when there are none), then
// CaseSets. Each set's Offset is the run number of its first case, so a
// result's Case indexes the concatenation of the sets' cases. A set without
// endpoints gets the plan's, without a kind chat, without documents or top_k
// the plan's.
func (p Plan) Sets() []CaseSet {
	var sets []CaseSet
	n := 0
	if len(p.Cases) > 0 {
		sets = append(sets, CaseSet{
			Kind: p.Kind, Endpoints: p.Endpoints, Cases: p.Cases, Documents: p.Documents, Corpus: p.Corpus,
			TopK: p.TopK, Language: p.Language, MaxWER: p.MaxWER, ImageSize: p.ImageSize,
		})
		n = len(p.Cases)
	}
	for _, s := range p.CaseSets {
		if len(s.Endpoints) == 0 {
			s.Endpoints = p.Endpoints
		}
		if s.Documents == "" {
			s.Documents = p.Documents
		}
		if s.TopK <= 0 {
			s.TopK = p.TopK
		}
		s.Offset = n
		n += len(s.Cases)
		sets = append(sets, s)
	}
	for i := range sets {
		if sets[i].Kind == "" {
			sets[i].Kind = CaseKindChat
		}
	}
	return sets
}

// CaseAt finds the case with run number i (Result.Case): its set and the
// case. ok is false when the plan has no such case.
func (p Plan) CaseAt(i int) (set CaseSet, c Case, ok bool) {
	for _, s := range p.Sets() {
		if i >= s.Offset && i < s.Offset+len(s.Cases) {
			return s, s.Cases[i-s.Offset], true
		}
	}
	return CaseSet{}, Case{}, false
}

// NumCases is the number of cases of every set together.
func (p Plan) NumCases() int {
	n := len(p.Cases)
	for _, s := range p.CaseSets {
		n += len(s.Cases)
	}
	return n
}
