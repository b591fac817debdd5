package parse

// parseTime reads the date and date-time layouts the engine recognises and
// returns milliseconds since the Unix epoch:
//
//	2006-01-02
//	2006-01-02 15:04:05        (also with T instead of the space)
//	2006-01-02 15:04:05.999999999
//	2006-01-02T15:04:05Z07:00  (RFC 3339; Z or ±hh:mm, with optional fraction)
//
// A value without a zone is UTC: the engine has no notion of a local zone,
// and a per-node local zone would make one file parse differently on two
// machines. Fractions beyond milliseconds are truncated, which is a floor
// because the fraction is always added to a whole second.
//
// time.Parse is not used because it costs about ten times as much and
// allocates on failure, and the type guesser tries every token.
func parseTime(b []byte) (int64, bool) {
	n := len(b)
	if n < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return 0, false
	}
	ms := daysFromCivil(year, month, day) * 86400000
	if n == 10 {
		return ms, true
	}
	if n < 19 || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	hh, ok1 := digits(b[11:13])
	mm, ok2 := digits(b[14:16])
	ss, ok3 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return 0, false
	}
	ms += int64(hh*3600+mm*60+ss) * 1000
	i := 19
	if i < n && b[i] == '.' {
		i++
		frac, scale, j := 0, 100, i
		for ; j < n && b[j]-'0' <= 9; j++ {
			frac += int(b[j]-'0') * scale
			scale /= 10
		}
		if j == i || j-i > 9 {
			return 0, false
		}
		ms += int64(frac)
		i = j
	}
	if i == n {
		return ms, true
	}
	// A zone only with the RFC 3339 T; "2006-01-02 15:04:05Z" is not a layout
	// we promise, and accepting it would make the guess depend on luck.
	if b[10] != 'T' {
		return 0, false
	}
	switch b[i] {
	case 'Z':
		if i+1 == n {
			return ms, true
		}
	case '+', '-':
		if n-i != 6 || b[i+3] != ':' {
			return 0, false
		}
		zh, ok1 := digits(b[i+1 : i+3])
		zm, ok2 := digits(b[i+4 : i+6])
		if !ok1 || !ok2 || zh > 23 || zm > 59 {
			return 0, false
		}
		off := int64(zh*3600+zm*60) * 1000
		if b[i] == '+' {
			off = -off // local time ahead of UTC
		}
		return ms + off, true
	}
	return 0, false
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int(d)
	}
	return v, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 in the proleptic Gregorian
// calendar by shifting the year to start in March, so the leap day is the last
// day of the shifted year and the month lengths follow a linear formula.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // floor division for year 0000's January and February
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}
