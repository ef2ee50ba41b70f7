package locale

import "testing"

func TestNumberAndMoney(t *testing.T) {
	en, pt := For("en"), For("pt-BR")
	cases := []struct {
		name, got, want string
	}{
		{"en money", en.Money(1234.56), "$1,234.56"},
		{"pt money", pt.Money(1234.56), "US$ 1.234,56"},
		{"en money zero", en.Money(0), "$0.00"},
		{"pt money zero", pt.Money(0), "US$ 0,00"},
		{"en small", en.Money(0.00042), "$0.00042"},
		{"pt small", pt.Money(0.0042), "US$ 0,0042"},
		{"en cents", en.Money(0.125), "$0.13"},
		{"en two digits", en.Money(0.052), "$0.052"},
		{"en half", en.Money(0.5), "$0.50"},
		{"en one", en.Money(1), "$1.00"},
		{"en negative", en.Money(-1.5), "-$1.50"},
		{"pt negative", pt.Money(-1.5), "US$ -1,50"},
		{"en million", en.Money(1234567.891), "$1,234,567.89"},
		{"pt number", pt.Number(1234.5, 1), "1.234,5"},
		{"en number", en.Number(1234.5, 1), "1,234.5"},
		{"pt decimals only", pt.Number(0.5, 2), "0,50"},
		{"negative zero", en.Number(-0.0001, 2), "0.00"},
		{"nan", en.Number(nan(), 2), "–"},
		{"pt percent", pt.Percent(0.425), "43%"},
		{"pt int", pt.Int(12345), "12.345"},
		{"en count one", en.Count(1, "error", "errors"), "1 error"},
		{"en count many", en.Count(2, "error", "errors"), "2 errors"},
		{"pt count one", pt.Count(1, "erro", "erros"), "1 erro"},
		{"pt count many", pt.Count(2, "erro", "erros"), "2 erros"},
		{"pt count zero", pt.Count(0, "erro", "erros"), "0 erros"},
		{"pt count thousands", pt.Count(1234, "erro", "erros"), "1.234 erros"},
		{"zero value is English dollars", Formatter{}.Money(2), "$2.00"},
		{"axis decimals", pt.MoneyDec(2.5, 1), "US$ 2,5"},
		{"any pt code", For("pt").Money(1), "US$ 1,00"},
		{"unknown language is English", For("de").Money(1), "$1.00"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestCurrency(t *testing.T) {
	// 5.5 reais to the dollar: $10 is R$ 55,00; $0.001 is R$ 0,0055.
	brl := For("pt-BR").WithCurrency("brl", 5.5)
	if got := brl.Money(10); got != "R$ 55,00" {
		t.Errorf("BRL: %q", got)
	}
	if got := brl.Money(0.001); got != "R$ 0,0055" {
		t.Errorf("BRL small: %q", got)
	}
	if brl.Currency() != "BRL" || brl.Rate() != 5.5 || brl.Symbol() != "R$" {
		t.Errorf("BRL fields: %s %v %s", brl.Currency(), brl.Rate(), brl.Symbol())
	}
	eur := For("en").WithCurrency("EUR", 0.5)
	if got := eur.Money(3); got != "€1.50" {
		t.Errorf("EUR: %q", got)
	}
	if got := For("en").WithCurrency("CHF", 2).Money(1); got != "2.00 CHF" {
		t.Errorf("CHF: %q", got)
	}
	// A bad rate or USD keeps dollars, unconverted.
	for _, f := range []Formatter{For("en").WithCurrency("BRL", 0), For("en").WithCurrency("BRL", -1), brl.WithCurrency("USD", 5)} {
		if f.Currency() != "USD" || f.Rate() != 1 {
			t.Errorf("kept %s at %v", f.Currency(), f.Rate())
		}
	}
	if got := brl.WithCurrency("", 0).Money(1); got != "US$ 1,00" {
		t.Errorf("back to dollars: %q", got)
	}
}

func nan() float64 { z := 0.0; return z / z }
