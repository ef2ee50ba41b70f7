package report

import (
	"fmt"
	"strings"
)

// messages are the report's own words in English and Brazilian Portuguese.
// The answer vocabulary (questions, values, model words) comes from the shared
// label files in assets; these are the headings, column names and chart texts
// only the report uses.
var messages = map[string][2]string{ // key → {en, pt-BR}
	"title":            {"LLM Advisor report", "Relatório do LLM Advisor"},
	"generated":        {"Generated", "Gerado em"},
	"sec.use_case":     {"Use case", "Caso de uso"},
	"sec.answers":      {"Your answers", "Suas respostas"},
	"sec.rec":          {"Recommendation", "Recomendação"},
	"sec.plan":         {"Staged plan", "Plano em etapas"},
	"sec.why":          {"Why", "Por quê"},
	"sec.warnings":     {"Warnings", "Avisos"},
	"sec.conflicts":    {"Conflicts between answers", "Conflitos entre respostas"},
	"sec.assumptions":  {"Assumptions", "Premissas"},
	"sec.shortlist":    {"Shortlist", "Lista curta de modelos"},
	"sec.setup":        {"Live-test setup", "Configuração do teste ao vivo"},
	"sec.charts":       {"Charts", "Gráficos"},
	"sec.results":      {"Results", "Resultados"},
	"sec.outputs":      {"Outputs side by side", "Respostas lado a lado"},
	"sec.next":         {"Next steps", "Próximos passos"},
	"no_rec":           {"No recommendation was saved for this report.", "Nenhuma recomendação foi salva para este relatório."},
	"no_run":           {"No live test has been run yet: this report holds the recommendation alone.", "Nenhum teste ao vivo foi executado ainda: este relatório contém apenas a recomendação."},
	"no_results":       {"The run has no results yet.", "A execução ainda não tem resultados."},
	"dont_know":        {"I don't know", "Não sei"},
	"model_type":       {"Model type", "Tipo de modelo"},
	"architecture":     {"Architecture", "Arquitetura"},
	"weights":          {"Weights", "Pesos"},
	"hosting":          {"Hosting", "Hospedagem"},
	"size_tier":        {"Size", "Porte"},
	"primary":          {"Main strategy", "Estratégia principal"},
	"also":             {"Also needed", "Também necessário"},
	"gate":             {"Move on only when", "Avance somente quando"},
	"source":           {"Source", "Fonte"},
	"relaxation":       {"Cheapest way out", "Saída mais barata"},
	"between":          {"Between", "Entre"},
	"col.model":        {"Model", "Modelo"},
	"col.monthly":      {"Monthly cost (USD)", "Custo mensal (USD)"},
	"col.why":          {"Why", "Por quê"},
	"cost_assumptions": {"Cost assumptions", "Premissas de custo"},
	"cost_unknown":     {"no price in the catalog", "sem preço no catálogo"},
	"own_hardware":     {"your hardware", "seu equipamento"},
	"self_hosted":      {"self-hosted", "hospedado por você"},
	"sec.also_short":   {"Shortlist for %s", "Lista curta para %s"},
	"col.endpoint":     {"Endpoint", "Endpoint"},
	"col.kind":         {"Kind", "Tipo"},
	"col.base_url":     {"Base URL", "URL base"},
	"col.strategy":     {"Strategy", "Estratégia"},
	"col.requests":     {"Requests", "Requisições"},
	"col.errors":       {"Errors", "Erros"},
	"col.quality":      {"Quality", "Qualidade"},
	"col.pass":         {"Passed", "Aprovadas"},
	"col.p50":          {"Latency p50", "Latência p50"},
	"col.p95":          {"Latency p95", "Latência p95"},
	"col.ttft":         {"First token p50", "Primeiro token p50"},
	"col.tps":          {"Tokens/s", "Tokens/s"},
	"col.cost1k":       {"Cost / 1,000", "Custo / 1.000"},
	"col.output":       {"Output", "Resposta"},
	"col.score":        {"Score", "Nota"},
	"run":              {"Run", "Execução"},
	"status":           {"Status", "Situação"},
	"started":          {"Started", "Início"},
	"ended":            {"Ended", "Fim"},
	"strategies":       {"Strategies", "Estratégias"},
	"cases":            {"Cases", "Casos"},
	"repeats":          {"Repeats", "Repetições"},
	"few_shot":         {"Few-shot examples", "Exemplos few-shot"},
	"documents":        {"Documents folder", "Pasta de documentos"},
	"checks":           {"Checks", "Verificações"},
	"case":             {"Case", "Caso"},
	"input":            {"Input", "Entrada"},
	"expected":         {"Accepted answer", "Resposta aceita"},
	"yes":              {"yes", "sim"},
	"no":               {"no", "não"},
	"error":            {"error", "erro"},
	"outputs_limited":  {"Showing the first %d of %d cases; the CSV or JSON export holds every output.", "Mostrando os primeiros %d de %d casos; a exportação CSV ou JSON tem todas as respostas."},
	"free_all":         {"Every endpoint in this run is free to call (local or unpriced), so the cost charts are left out.", "Todos os endpoints desta execução são gratuitos (locais ou sem preço), por isso os gráficos de custo foram omitidos."},

	"chart.latency":        {"Latency per request (ms) — bar p50, light bar p95", "Latência por requisição (ms) — barra p50, barra clara p95"},
	"chart.ttft":           {"Time to first token (ms) — bar p50, light bar p95", "Tempo até o primeiro token (ms) — barra p50, barra clara p95"},
	"chart.throughput":     {"Output speed (tokens per second, median)", "Velocidade de saída (tokens por segundo, mediana)"},
	"chart.cost_per_1k":    {"Cost per 1,000 requests (USD)", "Custo por 1.000 requisições (USD)"},
	"chart.quality":        {"Quality score (mean of the checks, %)", "Nota de qualidade (média das verificações, %)"},
	"chart.cost_quality":   {"Cost vs. quality (one point per model × strategy)", "Custo × qualidade (um ponto por modelo × estratégia)"},
	"chart.errors":         {"Failed requests per endpoint, by cause", "Requisições com falha por endpoint, por causa"},
	"chart.shortlist_cost": {"Estimated monthly cost of the shortlist (USD)", "Custo mensal estimado da lista curta (USD)"},
	"chart.history":        {"Quality and latency across runs", "Qualidade e latência entre execuções"},
	"axis.cost_per_1k":     {"cost per 1,000 requests (USD)", "custo por 1.000 requisições (USD)"},
	"axis.quality":         {"quality", "qualidade"},
	"axis.latency":         {"latency p50", "latência p50"},
	"legend.quality":       {"quality (%, left)", "qualidade (%, esquerda)"},
	"legend.latency":       {"latency p50 (ms, right)", "latência p50 (ms, direita)"},

	"err." + "unauthorized":   {"unauthorised (key)", "não autorizado (chave)"},
	"err." + "not_found":      {"not found", "não encontrado"},
	"err." + "rate_limited":   {"rate limited", "limite de taxa"},
	"err." + "server_error":   {"server error", "erro do servidor"},
	"err." + "timeout":        {"timeout", "tempo esgotado"},
	"err." + "connection":     {"connection", "conexão"},
	"err." + "bad_response":   {"bad response", "resposta inválida"},
	"err." + "context_length": {"input too long", "entrada longa demais"},
	"err." + "bad_request":    {"bad request", "requisição inválida"},
	"err." + "cancelled":      {"cancelled", "cancelada"},

	"next.best":         {"Best result in this test: %s with %s — quality %s, latency p50 %s, %s per 1,000 requests.", "Melhor resultado neste teste: %s com %s — qualidade %s, latência p50 %s, %s por 1.000 requisições."},
	"next.failed":       {"%s failed every request (%s): check its address, model name and key before deciding.", "%s falhou em todas as requisições (%s): confira o endereço, o nome do modelo e a chave antes de decidir."},
	"next.prompting1":   {"Write the system prompt and 3–5 worked examples from your best cases; keep them under version control.", "Escreva o prompt de sistema e 3–5 exemplos resolvidos a partir dos seus melhores casos; mantenha-os versionados."},
	"next.prompting2":   {"Grow the test set to 50+ real cases and re-run this test after every prompt change.", "Aumente o conjunto de testes para 50+ casos reais e repita este teste a cada mudança de prompt."},
	"next.prompting3":   {"Set a monthly spending cap with the provider before going live.", "Defina um limite de gasto mensal no provedor antes de entrar em produção."},
	"next.rag1":         {"Collect the documents the answers must come from in one place and decide who keeps them current.", "Reúna em um só lugar os documentos de onde as respostas devem sair e defina quem os mantém atualizados."},
	"next.rag2":         {"Test retrieval on its own: for each case, check the right passage is found before judging the answer.", "Teste a busca isoladamente: para cada caso, confira se o trecho certo é encontrado antes de avaliar a resposta."},
	"next.rag3":         {"Show the sources with every answer so users can check them; re-index whenever the documents change.", "Mostre as fontes em cada resposta para que os usuários possam conferir; reindexe sempre que os documentos mudarem."},
	"next.fine-tuning1": {"First get the most out of prompting (and retrieval, if the knowledge changes); fine-tune only if the test still shows format or style drift.", "Primeiro esgote o prompt (e a busca, se o conhecimento muda); faça fine-tuning só se o teste ainda mostrar desvios de formato ou estilo."},
	"next.fine-tuning2": {"Prepare 50–500 reviewed input/answer pairs (the JSONL export is a start) and keep a separate set for evaluation.", "Prepare 50–500 pares revisados de entrada/resposta (a exportação JSONL é um começo) e separe outro conjunto para avaliação."},
	"next.fine-tuning3": {"Plan for the base model's retirement: a hosted fine-tune dies with its base model.", "Planeje a aposentadoria do modelo base: um fine-tune hospedado morre junto com o modelo base."},
	"next.training1":    {"Confirm the preconditions (a huge domain corpus, an ML team and the budget) before starting.", "Confirme as condições (um corpus enorme do domínio, uma equipe de ML e o orçamento) antes de começar."},
	"next.training2":    {"Start from an open base model and continue pre-training on your corpus rather than training from scratch.", "Parta de um modelo aberto e continue o pré-treinamento no seu corpus em vez de treinar do zero."},
	"next.training3":    {"Measure against the best prompted model on this same test set at every milestone.", "Compare com o melhor modelo via prompt neste mesmo conjunto de testes a cada marco."},
	"next.no_run":       {"Run a live test on 20+ of your own examples to check the shortlist before you commit.", "Rode um teste ao vivo com 20+ exemplos seus para conferir a lista curta antes de se comprometer."},
}

// msg returns the message for key in lang ("pt-BR" or anything else for
// English), formatted with args when given. A missing key returns the key so a
// gap shows up in review instead of vanishing.
func msg(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if isPT(lang) && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func isPT(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "pt") }
