package main

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// renderChart draws grouped bars: per workload, each target's RPS as a
// multiple of the floor's (median of per-round ratios).
func renderChart(rs []result, ws []workload, path string) error {
	ws = standardOnly(ws)
	if len(ws) == 0 {
		return nil // nothing to chart: only the memory workloads ran
	}
	p := plot.New()
	p.Title.Text = "Throughput relative to calling the stand-in directly (higher is better)"
	p.Y.Label.Text = "RPS ÷ direct HTTP RPS (median of rounds)"
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.name
	}
	colors := []color.Color{
		color.RGBA{150, 150, 150, 255}, color.RGBA{31, 119, 180, 255},
		color.RGBA{44, 160, 44, 255}, color.RGBA{214, 39, 40, 255},
	}
	width := vg.Points(14)
	top := 1.0
	for i, t := range standardTargets {
		vals := make(plotter.Values, len(ws))
		for j, w := range ws {
			vals[j] = ratio(rs, w.name, t.name, tDirect, rps)
			top = max(top, vals[j])
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return err
		}
		bars.Color = colors[i%len(colors)]
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(standardTargets)-1)/2)
		p.Add(bars)
		p.Legend.Add(t.name, bars)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(40)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(ws))-0.4
	p.Y.Min, p.Y.Max = 0, top*1.35 // room for the legend above the bars
	return p.Save(10*vg.Inch, 5*vg.Inch, path)
}
