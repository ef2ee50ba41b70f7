package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/modelsdev"
)

// runCatalog is `catalog [--task T] [--license L] [--open] [--name TEXT] [--type TYPE] [--json]`,
// `catalog --refresh [--from FILE|URL]` and `catalog --check [--json]`.
func runCatalog(env Env) error {
	const usage = "usage: catalog [--task T] [--license L] [--open] [--name TEXT] [--type TYPE] [--json] | catalog --refresh [--from FILE|URL] | catalog --check [--json]"
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f advisor.CatalogFilter
	fs.StringVar(&f.Task, "task", "", "a task the model serves")
	fs.StringVar(&f.License, "license", "", "text in the licence name")
	fs.BoolVar(&f.OpenOnly, "open", false, "open weights only")
	fs.StringVar(&f.Name, "name", "", "text in the id, name or provider")
	fs.StringVar(&f.Type, "type", "", "model type")
	asJSON := fs.Bool("json", false, "print the models as JSON")
	refresh := fs.Bool("refresh", false, "load a models.dev api.json (the live one by default)")
	from := fs.String("from", "", "with --refresh: a file or URL instead of "+modelsdev.DefaultURL)
	check := fs.Bool("check", false, "report curated entries that match nothing and disagreements with models.dev")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; %s", err, usage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; %s", fs.Arg(0), usage)
	}
	if *from != "" && !*refresh {
		return usagef("--from needs --refresh; %s", usage)
	}
	if *refresh && *check {
		return usagef("--refresh and --check are separate commands; %s", usage)
	}
	if *refresh {
		return runCatalogRefresh(env, *from)
	}
	if *check {
		return runCatalogCheck(env, *asJSON)
	}
	if f.Task != "" {
		q, _ := advisor.QuestionByKey("task")
		if !contains(q.Values, f.Task) {
			return usagef("--task %q is not allowed; allowed values: %s", f.Task, strings.Join(q.Values, ", "))
		}
	}
	if f.Type != "" && !contains(advisor.ModelTypes, f.Type) {
		return usagef("--type %q is not allowed; allowed values: %s", f.Type, strings.Join(advisor.ModelTypes, ", "))
	}
	eng, err := newEngine(env)
	if err != nil {
		return err
	}
	ms := advisor.FilterCatalog(eng.Catalog(), f)
	info := eng.CatalogInfo()
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ms)
	}
	pt := Lang() == "pt-BR"
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	if pt {
		fmt.Fprintln(tw, "ID\tNOME\tFORNECEDOR\tTIPO\tPESOS\tLICENÇA\tCONTEXTO\tPREÇO (US$)\tDATA DO PREÇO\tSITUAÇÃO")
	} else {
		fmt.Fprintln(tw, "ID\tNAME\tPROVIDER\tTYPE\tWEIGHTS\tLICENSE\tCONTEXT\tPRICE (USD)\tPRICE AS OF\tSTATUS")
	}
	for _, m := range ms {
		ctx := "-"
		if m.ContextTokens > 0 {
			ctx = fmt.Sprintf("%d", m.ContextTokens)
		}
		status := m.Status
		if m.ShutdownDate != "" {
			status += " " + m.ShutdownDate
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Provider, m.Type, m.Weights, m.License, ctx, priceText(m, pt), m.PriceAsOf, status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pt {
		fmt.Fprintf(env.Stdout, "%d modelos; preços do models.dev de %s (%s)\n", len(ms), info.AsOf, sourceName(info.Source, pt))
		if info.Stale {
			fmt.Fprintln(env.Stdout, "Os preços podem estar desatualizados — atualize com: llm-advisor catalog --refresh")
		}
	} else {
		fmt.Fprintf(env.Stdout, "%d models; models.dev prices as of %s (%s)\n", len(ms), info.AsOf, sourceName(info.Source, pt))
		if info.Stale {
			fmt.Fprintln(env.Stdout, "Prices may be out of date — Refresh: llm-advisor catalog --refresh")
		}
	}
	return nil
}

func sourceName(src string, pt bool) string {
	if src == "bundled" {
		if pt {
			return "cópia que acompanha o app"
		}
		return "the copy bundled with the app"
	}
	return src
}

// runCatalogRefresh is `catalog --refresh [--from FILE|URL]`: a refused
// file exits 2 with its reason, and the last good catalog stays.
func runCatalogRefresh(env Env, from string) error {
	pt := Lang() == "pt-BR"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := modelsdev.Refresh(ctx, modelsdev.Options{From: from})
	if err != nil {
		var me *modelsdev.Error
		if errors.As(err, &me) {
			msg := refreshErrorText(me, pt)
			if me.Kind == modelsdev.ErrRefused || me.Kind == modelsdev.ErrFile || me.Kind == modelsdev.ErrTooLarge {
				return usagef("%s", msg)
			}
			return errors.New(msg)
		}
		return err
	}
	d := res.Catalog
	if pt {
		fmt.Fprintf(env.Stdout, "Catálogo atualizado: %d modelos de %d fornecedores, de %s (%s); guardado em %s\n", d.Models(), len(d.Providers), d.AsOf, d.Source, res.Path)
	} else {
		fmt.Fprintf(env.Stdout, "Catalog refreshed: %d models from %d providers, as of %s (%s); kept in %s\n", d.Models(), len(d.Providers), d.AsOf, d.Source, res.Path)
	}
	return nil
}

// refreshErrorText says why a refresh failed, in the user's language.
func refreshErrorText(e *modelsdev.Error, pt bool) string {
	if !pt {
		return e.Error()
	}
	keep := "; o último catálogo válido foi mantido"
	switch e.Kind {
	case modelsdev.ErrOffline:
		return "não foi possível acessar " + e.Detail + ": parece que você está sem internet ou um firewall bloqueia o acesso" + keep
	case modelsdev.ErrTimeout:
		return e.Detail + " não respondeu a tempo" + keep
	case modelsdev.ErrCancelled:
		return "atualização cancelada" + keep
	case modelsdev.ErrHTTP:
		return "o servidor respondeu " + e.Detail + keep
	case modelsdev.ErrFile:
		return "não foi possível ler " + e.Detail + keep
	case modelsdev.ErrTooLarge:
		return e.Detail + " é grande demais para um catálogo do models.dev" + keep
	case modelsdev.ErrRefused:
		return "arquivo recusado: " + e.Detail + keep
	}
	return e.Error()
}

// runCatalogCheck is `catalog --check [--json]`: curated entries that
// match no models.dev model (exit 1 when any), and disagreements.
func runCatalogCheck(env Env, asJSON bool) error {
	eng, err := newEngine(env)
	if err != nil {
		return err
	}
	chk := eng.CatalogCheck()
	info := eng.CatalogInfo()
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"catalog": info, "check": chk}); err != nil {
			return err
		}
	} else {
		pt := Lang() == "pt-BR"
		w := env.Stdout
		if pt {
			fmt.Fprintf(w, "models.dev de %s: %d modelos; catálogo: %d\n", info.AsOf, info.Models, info.Catalog)
		} else {
			fmt.Fprintf(w, "models.dev as of %s: %d models; catalog: %d\n", info.AsOf, info.Models, info.Catalog)
		}
		section := func(en, p string, items []advisor.CheckItem, line func(advisor.CheckItem) string) {
			title := en
			if pt {
				title = p
			}
			fmt.Fprintf(w, "\n%s (%d)\n", title, len(items))
			for _, it := range items {
				fmt.Fprintf(w, "  %s:%d  %s  %s\n", it.File, it.Line, it.ID, line(it))
			}
		}
		section("Curated entries that match nothing", "Entradas curadas sem correspondência", chk.Unmatched, func(it advisor.CheckItem) string { return it.Problem })
		section("Curated entries refused", "Entradas curadas recusadas", chk.Refused, func(it advisor.CheckItem) string { return it.Problem })
		section("Disagreements (the curated value is used)", "Divergências (vale o valor curado)", chk.Disagreements, func(it advisor.CheckItem) string {
			return fmt.Sprintf("%s: curated %s, models.dev %s", it.Field, it.Curated, it.ModelsDev)
		})
		if pt {
			fmt.Fprintf(w, "\n%d entradas só curadas (o models.dev não as lista, como esperado)\n", len(chk.Standalone))
		} else {
			fmt.Fprintf(w, "\n%d curated-only entries (models.dev does not list them, as expected)\n", len(chk.Standalone))
		}
	}
	if n := len(chk.Unmatched) + len(chk.Refused); n > 0 {
		return fmt.Errorf("%d curated entries match nothing or were refused", n)
	}
	return nil
}

// priceText is the price of a model in one short cell.
func priceText(m advisor.Model, pt bool) string {
	in, out, self := "in", "out", "self-host"
	if pt {
		in, out, self = "entrada", "saída", "auto-hospedado"
	}
	switch {
	case m.PriceUnit == advisor.PriceMinute:
		return fmt.Sprintf("%g/min", m.PricePerUnit)
	case m.PriceUnit == advisor.PriceImage:
		return fmt.Sprintf("%g/img", m.PricePerUnit)
	case m.PriceInPer1M > 0 || m.PriceOutPer1M > 0:
		return fmt.Sprintf("%g %s / %g %s per 1M", m.PriceInPer1M, in, m.PriceOutPer1M, out)
	}
	return self
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
