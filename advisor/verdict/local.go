package verdict

import (
	"net"
	"net/url"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// LocalEndpoint reports whether an endpoint runs on the user's own machines:
// an OpenAI-compatible server at a loopback, private or link-local address,
// localhost or a .local / .lan / .internal name. OpenAI and Azure are never
// local.
func LocalEndpoint(ep advisor.Endpoint) bool {
	if ep.Kind == advisor.KindOpenAI || ep.Kind == advisor.KindAzure || ep.BaseURL == "" {
		return false
	}
	u, err := url.Parse(ep.BaseURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") ||
		strings.HasSuffix(host, ".lan") || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".home.arpa") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast())
}
