package assets

import "embed"

// Fonts holds the DejaVu Sans TrueType fonts (regular and bold) that the
// reports embed in PDFs and use for chart text, so Portuguese accents render
// everywhere. Their licence is fonts/LICENSE.
//
//go:embed fonts
var Fonts embed.FS

// Font file names inside Fonts.
const (
	FontRegular = "fonts/DejaVuSans.ttf"
	FontBold    = "fonts/DejaVuSans-Bold.ttf"
)
