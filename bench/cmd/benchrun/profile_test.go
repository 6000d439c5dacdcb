package main

import (
	"testing"
	"time"
)

func TestParseProfileDuration(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"10s", 10 * time.Second, false},
		{"1m", time.Minute, false},
		{"0", 0, false},
		{"0s", 0, false},
		{"1500ms", 0, true}, // the profiler takes whole seconds
		{"500ms", 0, true},  // would be 0 seconds: the profiler's default, 30 s
		{"-5s", 0, true},
		{"ten", 0, true},
	} {
		got, err := parseProfileDuration(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("parseProfileDuration(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
