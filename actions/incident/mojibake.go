package incident

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Mojibake: UTF-8 text that some tool decoded as a single-byte code page
// (Windows-1252 mostly) and saved again as UTF-8. "é" (C3 A9) became
// "Ã©", "’" (E2 80 99) became "â€™". The repair maps every character back
// to the byte it came from and decodes the bytes as UTF-8 again.
//
// Real files are messier than one code page: the seed post-mortem has
// "ğ" where Windows-1252 would give "ð" (its converter used Windows-1254
// for that byte), and the bytes Windows-1252 leaves undefined (81, 8D, 8F,
// 90, 9D) were dropped. So the reverse table is Windows-1252, completed by
// Windows-1254 for the letters 1252 lacks and by the C1 controls that
// Latin-1 readers produce; and a sequence that lost a byte is decoded as
// U+FFFD and reported, because which byte was lost cannot be known.

// fromMojibake maps a character of mojibake back to its byte.
var fromMojibake = func() map[rune]byte {
	m := map[rune]byte{}
	for _, cm := range []*charmap.Charmap{charmap.Windows1252, charmap.Windows1254} {
		for b := 0x80; b <= 0xff; b++ {
			r := cm.DecodeByte(byte(b))
			if r == utf8.RuneError {
				continue
			}
			if _, ok := m[r]; !ok {
				m[r] = byte(b)
			}
		}
	}
	for b := 0x80; b < 0xa0; b++ {
		if _, ok := m[rune(b)]; !ok {
			m[rune(b)] = byte(b)
		}
	}
	// Decoders that follow the standard turn an undefined byte into
	// U+FFFD: the byte is lost. 0xFF never occurs in UTF-8, so the
	// sequence it sits in decodes as broken and is reported.
	m[utf8.RuneError] = 0xff
	return m
}()

// repairResult says what repairMojibake did.
type repairResult struct {
	// Fixed counts the sequences decoded again.
	Fixed int
	// Lost are the byte offsets, in the input, of sequences that had lost
	// a byte and were replaced by U+FFFD.
	Lost []int
}

// repairMojibake returns s with its mojibake decoded. It changes nothing
// unless most runs of non-ASCII characters read back as valid UTF-8: text
// with a few genuine accented letters (which map to invalid UTF-8) is
// left alone. Text encoded wrongly twice is repaired twice.
func repairMojibake(s string) (string, repairResult) {
	var res repairResult
	for pass := 0; pass < 3; pass++ {
		out, fixed, lost := repairOnce(s)
		if fixed == 0 {
			break
		}
		res.Fixed += fixed
		if pass == 0 {
			res.Lost = lost
		}
		s = out
	}
	return s, res
}

type run struct {
	start, end int    // byte offsets in the input
	bytes      []byte // the bytes its characters came from; nil if some did not
}

func repairOnce(s string) (out string, fixed int, lost []int) {
	var runs []run
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			i += size
			continue
		}
		ru := run{start: i, bytes: []byte{}}
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r < utf8.RuneSelf {
				break
			}
			if b, ok := fromMojibake[r]; ok && ru.bytes != nil {
				ru.bytes = append(ru.bytes, b)
			} else {
				ru.bytes = nil
			}
			i += size
		}
		ru.end = i
		runs = append(runs, ru)
	}
	good, bad := 0, 0
	for _, ru := range runs {
		switch {
		case ru.bytes == nil:
		case utf8.Valid(ru.bytes):
			good++
		default:
			bad++
		}
	}
	if good == 0 || good <= bad {
		return s, 0, nil
	}
	var b strings.Builder
	last := 0
	for _, ru := range runs {
		if ru.bytes == nil {
			continue
		}
		b.WriteString(s[last:ru.start])
		last = ru.end
		if utf8.Valid(ru.bytes) {
			b.Write(ru.bytes)
			fixed++
			continue
		}
		// Decode what is whole; each broken stretch becomes one U+FFFD.
		// Byte k of the run came from its k-th character.
		offsets := make([]int, 0, len(ru.bytes))
		for i := range s[ru.start:ru.end] {
			offsets = append(offsets, ru.start+i)
		}
		broken := false
		for k := 0; k < len(ru.bytes); {
			r, size := utf8.DecodeRune(ru.bytes[k:])
			if r == utf8.RuneError && size <= 1 {
				if !broken {
					b.WriteRune(utf8.RuneError)
					lost = append(lost, offsets[k])
				}
				broken = true
				k++
				continue
			}
			broken = false
			b.WriteRune(r)
			k += size
		}
		fixed++
	}
	b.WriteString(s[last:])
	return b.String(), fixed, lost
}

// lineCol turns a byte offset into a 1-based line and byte column.
func lineCol(s string, off int) (line, col int) {
	line = 1 + strings.Count(s[:off], "\n")
	return line, off - strings.LastIndexByte(s[:off], '\n')
}
