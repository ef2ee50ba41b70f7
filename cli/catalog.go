package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// runCatalog is `catalog [--task T] [--license L] [--open] [--name TEXT] [--type TYPE] [--json]`.
func runCatalog(env Env) error {
	const usage = "usage: catalog [--task T] [--license L] [--open] [--name TEXT] [--type TYPE] [--json]"
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f advisor.CatalogFilter
	fs.StringVar(&f.Task, "task", "", "a task the model serves")
	fs.StringVar(&f.License, "license", "", "text in the licence name")
	fs.BoolVar(&f.OpenOnly, "open", false, "open weights only")
	fs.StringVar(&f.Name, "name", "", "text in the id, name or provider")
	fs.StringVar(&f.Type, "type", "", "model type")
	asJSON := fs.Bool("json", false, "print the models as JSON")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; %s", err, usage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; %s", fs.Arg(0), usage)
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
		fmt.Fprintf(env.Stdout, "%d modelos\n", len(ms))
	} else {
		fmt.Fprintf(env.Stdout, "%d models\n", len(ms))
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
