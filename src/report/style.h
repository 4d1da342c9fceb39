/*
 * The look every chart of report/ shares, so that charts set side by side
 * in a briefing read as one family: the font stack and the palette. The
 * font is a list of families that every system maps to one it has (DejaVu
 * Sans on Debian, Helvetica or Arial elsewhere), never a font file, so a
 * chart stays self-contained. The palette is Okabe and Ito's, told apart
 * by readers with colour-blindness.
 */
#ifndef REPORT_STYLE_H
#define REPORT_STYLE_H

/* The value of every chart's font-family attribute. */
#define REPORT_FONT_FAMILY "DejaVu Sans, Helvetica, Arial, sans-serif"

/* The attribute itself, to paste into an <svg> start tag. */
#define REPORT_FONT_ATTR "font-family=\"" REPORT_FONT_FAMILY "\""

/* Colours of the palette; an index is taken modulo the count. */
#define REPORT_N_COLORS 7

/* The palette's colour i (modulo REPORT_N_COLORS), as "#rrggbb". */
const char *report_color(int i);

#endif
