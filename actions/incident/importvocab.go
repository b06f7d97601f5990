package incident

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/internal/lazyre"
)

// The words of post-mortems: section titles, field labels, table column
// names, priorities, statuses and the events that start, detect and end
// an incident, in English, French, German, Spanish and Japanese. Matching
// is on normalised text (lowercase, no accents, straight apostrophes).

type sectionKind int

const (
	secUnknown sectionKind = iota
	secTimeline
	secWentWell
	secWentWrong
	secLucky
	secLessons
	secActions
	secSummary
	secImpact
	secRootCause
	secTrigger
	secDetection
	secResolution
	secContributing
	// secMeta holds facts (date, severity, authors): read as fields.
	secMeta
	// secLinks holds references: their links are the record's links.
	secLinks
)

// headingPhrases recognise a section by the start of its normalised
// title ("=…": by the whole title). The order matters where one phrase starts another ("what went
// wrong" before "what went").
var headingPhrases = []struct {
	kind    sectionKind
	lang    string
	phrases []string
}{
	{secWentWrong, "fr", []string{"ce qui s'est moins bien passe", "ce qui s'est mal passe", "ce qui a moins bien", "ce qui a mal", "ce qui n'a pas", "ce qui aurait pu", "points negatifs", "points a ameliorer"}},
	{secWentWrong, "de", []string{"was lief schlecht", "was schlecht lief", "was nicht gut lief", "was lief nicht gut", "was ist schiefgelaufen", "was schiefgelaufen ist", "verbesserungspotenzial"}},
	{secWentWrong, "es", []string{"lo que salio mal", "que salio mal", "lo que no salio bien", "que no funciono", "lo que no funciono", "que podria mejorar", "lo que fue mal"}},
	{secWentWrong, "ja", []string{"うまくいかなかったこと", "うまくいかなかった点", "良くなかった点", "よくなかった点", "悪かった点", "課題"}},
	{secWentWrong, "en", []string{"what went wrong", "things that went wrong", "went wrong", "what went poorly", "what went badly", "what went less well", "what didn't go well", "what did not go well", "what could have gone better", "what could have been better", "what didn't work", "what did not work", "what we could improve", "what could be improved", "areas for improvement"}},
	{secWentWell, "fr", []string{"ce qui s'est bien passe", "ce qui a bien", "ce qui a fonctionne", "ce qui a marche", "points positifs"}},
	{secWentWell, "de", []string{"was lief gut", "was gut lief", "was hat gut funktioniert", "was gut funktioniert hat"}},
	{secWentWell, "es", []string{"lo que salio bien", "que salio bien", "que funciono bien", "lo que funciono"}},
	{secWentWell, "ja", []string{"うまくいったこと", "うまくいった点", "良かった点", "よかった点", "良かったこと", "できたこと"}},
	{secWentWell, "en", []string{"what went well", "things that went well", "went well", "what worked"}},
	{secLucky, "fr", []string{"ou nous avons eu de la chance", "ou on a eu de la chance", "ou j'ai eu de la chance", "ce qui a ete de la chance", "chance"}},
	{secLucky, "de", []string{"wo wir gluck hatten", "wo wir glueck hatten", "gluck gehabt", "glueck gehabt"}},
	{secLucky, "es", []string{"donde tuvimos suerte", "en que tuvimos suerte", "suerte"}},
	{secLucky, "ja", []string{"運が良かったこと", "運が良かった点", "幸運だったこと"}},
	{secLucky, "en", []string{"where we got lucky", "where i got lucky", "where we were lucky", "lucky"}},
	{secTimeline, "fr", []string{"chronologie", "deroulement", "deroule", "historique", "sequence des evenements", "fil des evenements", "ligne du temps"}},
	{secTimeline, "de", []string{"zeitlicher ablauf", "zeitleiste", "zeitstrahl", "chronologie", "ablauf", "verlauf"}},
	{secTimeline, "es", []string{"linea de tiempo", "linea temporal", "cronologia", "secuencia de eventos"}},
	{secTimeline, "ja", []string{"タイムライン", "時系列", "経緯", "対応経緯", "対応履歴"}},
	{secTimeline, "en", []string{"timeline", "time line", "chronology", "sequence of events", "detailed timeline", "incident timeline", "events"}},
	{secLessons, "fr", []string{"lecons", "enseignements", "ce que nous avons appris", "ce que j'ai appris", "retour d'experience", "analyse de la reponse"}},
	{secLessons, "de", []string{"lessons learned", "erkenntnisse", "lehren", "was wir gelernt haben", "gelernte lektionen"}},
	{secLessons, "es", []string{"lecciones aprendidas", "lecciones", "aprendizajes", "lo que aprendimos"}},
	{secLessons, "ja", []string{"教訓", "学び", "振り返り", "対応の評価"}},
	{secLessons, "en", []string{"lessons", "takeaways", "learnings", "what we learned", "what i learned", "retrospective", "=postmortem", "=post-mortem", "=post mortem"}},
	// What was done, not what will be: before the action items' "actions".
	{secResolution, "fr", []string{"actions menees", "actions realisees", "actions entreprises", "ce que nous avons fait", "mesures prises"}},
	{secResolution, "de", []string{"ergriffene massnahmen", "durchgefuhrte massnahmen", "sofortmassnahmen", "was wir getan haben"}},
	{secResolution, "es", []string{"acciones tomadas", "acciones realizadas", "medidas tomadas", "lo que hicimos"}},
	{secResolution, "ja", []string{"実施した対応", "実施済みの対応"}},
	{secResolution, "en", []string{"actions taken", "action taken", "what we did", "immediate actions", "immediate response"}},
	{secActions, "fr", []string{"actions correctives", "actions", "plan d'action", "prochaines etapes", "suites", "a faire", "suivi", "mesures", "ameliorations", "conclusion", "ce que nous allons faire", "prochaines actions", "plan d'amelioration"}},
	{secActions, "de", []string{"massnahmen", "maßnahmen", "aktionspunkte", "nachste schritte", "naechste schritte", "to-dos", "folgemassnahmen", "kunftige massnahmen", "geplante massnahmen", "was wir tun werden", "verbesserungen"}},
	{secActions, "es", []string{"acciones correctivas", "acciones preventivas", "acciones", "elementos de accion", "proximos pasos", "tareas", "medidas futuras", "medidas preventivas", "lo que haremos", "que haremos", "mejoras"}},
	{secActions, "ja", []string{"アクションアイテム", "再発防止策", "再発防止", "対策", "今後の対応", "今後の取り組み", "改善策", "是正"}},
	{secActions, "en", []string{"action items", "action item", "actions", "corrective actions", "corrective and preventative measures", "corrective and preventive measures", "preventive measures", "next steps", "follow-up", "follow up", "follow-ups", "followups", "remediation", "remediations", "to do", "todo", "improvements", "conclusion", "ais",
		"future measures", "future actions", "future work", "what we're doing", "what we are doing", "what we will do", "what we'll do", "what's next", "what is next",
		"prevention", "preventing recurrence", "going forward", "changes we're making", "changes we are making", "how to fix it", "how we're fixing it", "how we are fixing it"}},
	{secContributing, "fr", []string{"facteurs contributifs", "facteurs aggravants"}},
	{secContributing, "de", []string{"beitragende faktoren", "begunstigende faktoren", "mitwirkende faktoren"}},
	{secContributing, "es", []string{"factores contribuyentes", "factores que contribuyeron"}},
	{secContributing, "ja", []string{"寄与要因", "要因"}},
	{secContributing, "en", []string{"contributing factors", "contributing factor", "contributors"}},
	{secRootCause, "fr", []string{"cause racine", "causes racines", "causes profondes", "cause profonde", "causes", "cause", "pourquoi", "analyse"}},
	{secRootCause, "de", []string{"grundursache", "ursachen", "ursache", "ursachenanalyse", "fehlerursache"}},
	{secRootCause, "es", []string{"causa raiz", "causas raiz", "causa", "causas", "analisis de causa"}},
	{secRootCause, "ja", []string{"根本原因分析", "根本原因", "原因", "直接原因"}},
	{secRootCause, "en", []string{"root cause", "root causes", "root cause analysis", "cause", "causes", "fault", "why", "five whys", "5 whys", "analysis", "technical details", "what went wrong technically"}},
	{secTrigger, "fr", []string{"declencheur", "element declencheur"}},
	{secTrigger, "de", []string{"ausloser", "auslöser"}},
	{secTrigger, "es", []string{"desencadenante", "detonante"}},
	{secTrigger, "ja", []string{"トリガー", "発生契機", "きっかけ"}},
	{secTrigger, "en", []string{"trigger", "leadup", "lead-up", "lead up"}},
	{secDetection, "fr", []string{"detection"}},
	{secDetection, "de", []string{"erkennung", "entdeckung"}},
	{secDetection, "es", []string{"deteccion"}},
	{secDetection, "ja", []string{"検知", "検出"}},
	{secDetection, "en", []string{"detection", "how was it detected"}},
	{secResolution, "fr", []string{"resolution", "retablissement", "remise en service", "mitigation", "reponse"}},
	{secResolution, "de", []string{"losung", "loesung", "behebung", "wiederherstellung", "reaktion"}},
	{secResolution, "es", []string{"resolucion", "mitigacion", "recuperacion", "respuesta"}},
	{secResolution, "ja", []string{"復旧", "対応内容", "対応", "解決", "暫定対応"}},
	{secResolution, "en", []string{"resolution", "recovery", "mitigation", "response", "resolution and recovery", "how was it fixed"}},
	{secImpact, "fr", []string{"impact", "impacts", "consequences", "incidence"}},
	{secImpact, "de", []string{"auswirkungen", "auswirkung"}},
	{secImpact, "es", []string{"impacto"}},
	{secImpact, "ja", []string{"影響範囲", "影響"}},
	{secImpact, "en", []string{"impact", "customer impact", "user impact", "impact assessment"}},
	{secSummary, "fr", []string{"resume", "synthese", "contexte", "introduction", "que s'est-il passe", "description", "l'incident", "sommaire"}},
	{secSummary, "de", []string{"zusammenfassung", "kontext", "hintergrund", "beschreibung", "was ist passiert"}},
	{secSummary, "es", []string{"resumen ejecutivo", "resumen", "contexto", "descripcion", "que paso"}},
	{secSummary, "ja", []string{"サマリー", "サマリ", "概要", "要約", "背景", "障害の内容", "障害内容", "事象"}},
	{secSummary, "en", []string{"summary", "executive summary", "tl;dr", "tldr", "overview", "context", "background", "introduction", "what happened", "description", "incident summary", "incident", "details"}},
	{secMeta, "", []string{"metadata", "metadonnees", "metadaten", "metadatos", "メタデータ", "基本情報", "incident details", "details de l'incident"}},
	{secLinks, "", []string{"supporting information", "references", "links", "liens", "references", "referenzen", "enlaces", "参考資料", "参考リンク", "=参考", "further reading", "related"}},
}

// The phrases as titles are matched: folded like them (folding takes
// the voicing marks off kana: "できたこと" is matched as "てきたこと"),
// on first use: only castor import reads them.
var normalizeVocab = sync.OnceFunc(func() {
	for i := range headingPhrases {
		for j, p := range headingPhrases[i].phrases {
			exact, isExact := strings.CutPrefix(p, "=")
			n := normalize(exact)
			if isExact {
				n = "=" + n
			}
			headingPhrases[i].phrases[j] = n
		}
	}
	for i := range fieldLabels {
		for j, l := range fieldLabels[i].labels {
			fieldLabels[i].labels[j] = normalize(l)
		}
	}
})

var headingNumber = lazyre.New(`^((\d+\.)*\d+[.)]?\s+|[ivx]+[.)]\s+|[a-z][.)]\s+)`)

// normalize prepares text for matching: lowercase, no accents, straight
// apostrophes, single spaces, no trailing punctuation.
func normalize(s string) string {
	f := folded(s)
	f = strings.Join(strings.Fields(f), " ")
	return strings.TrimRight(f, " :.!?…")
}

// normalizeTitle is a heading as matched: numbering, emoji, trailing
// footnote numbers and parentheses ("Timeline (UTC)") set aside.
func normalizeTitle(title string) (string, bool) {
	n := normalize(title)
	n = strings.TrimLeftFunc(n, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0x3000)
	})
	n = headingNumber.ReplaceAllString(n, "")
	n = strings.TrimRight(n, "0123456789 :")
	if i := strings.IndexAny(n, "(（"); i > 0 {
		n = strings.TrimSpace(n[:i])
	}
	return strings.TrimRight(n, " :.!?"), n != ""
}

func classify(title string) (sectionKind, string) {
	n, _ := normalizeTitle(title)
	if n == "" {
		return secUnknown, ""
	}
	normalizeVocab()
	for _, hp := range headingPhrases {
		for _, p := range hp.phrases {
			if exact, ok := strings.CutPrefix(p, "="); ok {
				// A word that starts titles too ("Postmortem: API
				// outage") names a section only alone.
				if n == exact {
					return hp.kind, hp.lang
				}
				continue
			}
			// Japanese puts the head noun last: "発生から復旧までのタイム
			// ライン" is a timeline.
			if n == p || strings.HasPrefix(n, p) && !isWordByte(n[len(p)]) || hp.lang == "ja" && strings.HasSuffix(n, p) {
				return hp.kind, hp.lang
			}
		}
	}
	return secUnknown, ""
}

func isWordByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// Field labels of metadata: "**Date**: …", "| 発生日時 | … |", "Severity: SEV2".
type fieldKind int

const (
	fieldNone fieldKind = iota
	fieldDate
	fieldStart
	fieldDetected
	fieldResolved
	fieldSeverity
	fieldStatus
	fieldDuration   // derived from start and end; gives the end when only the start is stated
	fieldComponents // taken when castor.yaml declares every one
	fieldCommander
	fieldIgnored // authors, id: facts the record has no place for
)

var fieldLabels = []struct {
	kind   fieldKind
	labels []string
}{
	{fieldDate, []string{"date", "incident date", "date of incident", "date de l'incident", "datum", "fecha", "fecha del incidente", "日付", "発生日", "日時", "when"}},
	{fieldStart, []string{"start", "started", "start time", "started at", "begin", "began", "debut", "beginn", "inicio", "発生日時", "発生時刻", "開始"}},
	{fieldDetected, []string{"detected", "detection", "detection time", "detected at", "detecte", "erkannt", "erkennung", "detectado", "deteccion", "検知日時", "検知時刻"}},
	{fieldResolved, []string{"resolved", "end", "end time", "ended", "resolved at", "fin", "resolution", "ende", "behoben", "resuelto", "復旧日時", "解決日時", "復旧時刻", "終了"}},
	{fieldSeverity, []string{"severity", "severity level", "severite", "gravite", "schweregrad", "severidad", "重大度", "障害レベル", "深刻度", "sev", "priority"}},
	{fieldStatus, []string{"status", "etat", "statut", "estado", "ステータス", "状態"}},
	{fieldDuration, []string{"duration", "duree", "dauer", "duracion", "影響時間", "outage duration", "total duration"}},
	{fieldComponents, []string{"components", "component", "composants", "komponenten", "componentes", "コンポーネント", "affected components", "affected services"}},
	{fieldCommander, []string{"commander", "incident commander", "responsable", "verantwortlich", "comandante", "インシデントコマンダー"}},
	{fieldIgnored, []string{"authors", "author", "auteurs", "auteur", "autoren", "autor", "autores", "作成者", "レビュアー", "reviewers", "incident id", "インシデントid", "id", "created by", "owner", "owners", "command post", "command post(s)", "participants", "attendees", "項目"}},
}

func fieldOf(label string) fieldKind {
	n, _ := normalizeTitle(label)
	normalizeVocab()
	for _, f := range fieldLabels {
		for _, l := range f.labels {
			if n == l {
				return f.kind
			}
		}
	}
	return fieldNone
}

// Table columns.
type column int

const (
	colNone column = iota
	colTime
	colDate
	colEvent
	colTitle
	colOwner
	colPriority
	colStatus
	colDue
	colTracking
	colKind
)

var columnNames = []struct {
	col   column
	names []string
}{
	{colTime, []string{"time", "times", "timestamp", "when", "date and time", "date/time", "datetime", "heure", "horaire", "zeit", "uhrzeit", "zeitpunkt", "hora", "時刻", "時間", "日時"}},
	{colDate, []string{"date", "day", "jour", "datum", "tag", "fecha", "dia", "日付"}},
	{colEvent, []string{"event", "events", "description", "what happened", "what", "details", "evenement", "ereignis", "beschreibung", "evento", "descripcion", "イベント", "内容", "出来事", "事象"}},
	{colTitle, []string{"action item", "action items", "action", "actions", "item", "task", "todo", "to do", "description", "tache", "mesure", "aufgabe", "massnahme", "tarea", "accion", "アクション", "対応", "対策", "内容"}},
	{colOwner, []string{"owner", "owners", "assignee", "assigned to", "who", "responsable", "porteur", "verantwortlich", "zustandig", "zustaendig", "dueno", "responsable", "担当", "担当者", "オーナー"}},
	{colPriority, []string{"priority", "prio", "p", "priorite", "prioritat", "prioritaet", "prioridad", "優先度"}},
	{colStatus, []string{"status", "state", "etat", "statut", "estado", "ステータス", "状態", "done"}},
	{colDue, []string{"due", "due date", "deadline", "echeance", "date limite", "fallig", "faellig", "frist", "fecha limite", "vencimiento", "期限"}},
	{colTracking, []string{"issue", "issues", "ticket", "tickets", "bug", "bugs", "tracking", "tracking issue", "link", "links", "lien", "suivi", "pr", "jira", "enlace", "チケット", "issue/pr"}},
	{colKind, []string{"type", "kind", "category", "categorie", "art", "kategorie", "tipo", "categoria", "カテゴリ", "種別"}},
}

// columnOf names a table column; timeline tables read "Date and Time in
// CET" and "時刻 (JST)" as time columns.
func columnOf(header string, forActions bool) column {
	n, _ := normalizeTitle(header)
	n = strings.TrimSpace(reColumnZone.ReplaceAllString(n, ""))
	best := colNone
	for _, c := range columnNames {
		if forActions && (c.col == colTime || c.col == colEvent || c.col == colDate) {
			continue
		}
		if !forActions && c.col >= colTitle {
			continue
		}
		for _, name := range c.names {
			if n == name {
				return c.col
			}
			if best == colNone && (strings.HasPrefix(n, name+" ") || strings.HasSuffix(n, " "+name)) {
				best = c.col
			}
		}
	}
	return best
}

// Priority words, mapped to P0..P3.
var priorityWords = map[string]string{
	"p0": "P0", "p1": "P1", "p2": "P2", "p3": "P3", "p4": "P3",
	"critical": "P0", "critique": "P0", "kritisch": "P0", "critica": "P0", "critico": "P0", "urgent": "P0", "urgente": "P0", "blocker": "P0", "highest": "P0", "緊急": "P0", "最優先": "P0",
	"high": "P1", "haute": "P1", "elevee": "P1", "haut": "P1", "hoch": "P1", "alta": "P1", "alto": "P1", "major": "P1", "高": "P1",
	"medium": "P2", "moyenne": "P2", "normale": "P2", "normal": "P2", "mittel": "P2", "media": "P2", "medio": "P2", "中": "P2",
	"low": "P3", "basse": "P3", "faible": "P3", "niedrig": "P3", "gering": "P3", "baja": "P3", "bajo": "P3", "minor": "P3", "lowest": "P3", "低": "P3",
}

var rePriorityTag = lazyre.New(`(?i)^\s*(?:\[\s*(p[0-4]|high|medium|low|critical)\s*\]|\(\s*(p[0-4]|high|medium|low|critical)\s*\)|(p[0-4])\b|(high|medium|low|critical)\s*[:\-–])\s*|\s*(?:\[\s*(p[0-4]|high|medium|low|critical)\s*\]|\(\s*(p[0-4]|high|medium|low|critical)\s*\)|(?:priority|priorite|prio)\s*[:=]?\s*(p[0-4]|high|medium|low|critical))\s*$`)

// reLabelledPriority is a priority named by its label at the end of a
// title, on folded text: "(priorite : haute)", "prioridad: alta".
var reLabelledPriority = lazyre.New(`\s*[\[(]?\s*(?:priority|priorite|prioridad|prioritat|prioritaet|prio|優先度)\s*[:=]?\s*([a-z0-9]+|[高中低]|緊急|最優先)\s*[\])]?\s*$`)

// priorityIn takes a priority tag off an action's title: "[P1] …",
// "HIGH: …", "… (priority: low)".
func priorityIn(title string) (string, string) {
	m := rePriorityTag.FindStringSubmatchIndex(title)
	if m == nil {
		// "HIGH Include crate downloads…" (a bold "**HIGH**" read as
		// text): a priority word in capitals before the title.
		if w, rest, ok := strings.Cut(title, " "); ok && w == strings.ToUpper(w) && strings.TrimSpace(rest) != "" {
			w = strings.Trim(w, "*_")
			if p, ok := priorityWords[normalize(w)]; ok && len(w) > 2 {
				return strings.TrimSpace(rest), p
			}
		}
		// "… (prioridad: alta)", "… Priorität: hoch", "…（優先度：高）":
		// a labelled priority at the end, in any language.
		f, at := fold(title)
		if m := reLabelledPriority.FindStringSubmatchIndex(f); m != nil {
			if p, ok := priorityWords[f[m[2]:m[3]]]; ok {
				return strings.TrimSpace(title[:at[m[0]]]), p
			}
		}
		return title, ""
	}
	for i := 2; i < len(m); i += 2 {
		if m[i] >= 0 {
			p := priorityWords[strings.ToLower(title[m[i]:m[i+1]])]
			return strings.TrimSpace(title[:m[0]] + " " + title[m[1]:]), p
		}
	}
	return title, ""
}

func priorityOf(cell string) string {
	n := normalize(cell)
	if p, ok := priorityWords[n]; ok {
		return p
	}
	for _, w := range strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == '(' || r == ')' || r == '/' || r == '-' }) {
		if p, ok := priorityWords[w]; ok {
			return p
		}
	}
	return ""
}

// statusOf reads an action's status: done, wontfix, or open.
var (
	reDone    = lazyre.New(`\b(done|fixed|completed?|closed|resolved|finished|shipped|merged|implemented|termine|terminee|fait|faite|fini|finie|realise|realisee|erledigt|abgeschlossen|fertig|hecho|completado|terminado|resuelto|cerrado)\b|完了|対応済|済み|✅|✔|☑`)
	reWontfix = lazyre.New(`\b(wontfix|won't fix|will not fix|wont fix|cancell?ed|abandoned|dropped|rejected|not planned|obsolete|abandonne|abandonnee|annule|annulee|verworfen|abgelehnt|cancelado|descartado)\b|中止|見送り|却下`)
)

func statusOf(cell string) string {
	n := normalize(cell)
	switch {
	case reWontfix.MatchString(n):
		return "wontfix"
	case reDone.MatchString(n):
		return "done"
	}
	return ""
}

// reStatusTag is a bracketed tag at the end of an item's title:
// "Implement guards … (done)", "… [erledigt]", "…（完了）".
var reStatusTag = lazyre.New(`\s*[\[(（【]\s*([^\[\]()（）【】]{1,40}?)\s*[\])）】]\s*$`)

// statusTagIn takes a status tag off the end of an action's title when
// the tag is a status and nothing else (at most three words).
func statusTagIn(title string) (string, string) {
	m := reStatusTag.FindStringSubmatchIndex(title)
	if m == nil {
		return title, ""
	}
	inner := title[m[2]:m[3]]
	st := statusOf(inner)
	if st == "" || len(strings.Fields(inner)) > 3 {
		return title, ""
	}
	return strings.TrimSpace(title[:m[0]]), st
}

// kindOf reads an action's kind.
func kindOf(cell string) string {
	n := normalize(cell)
	switch {
	case n == "":
		return ""
	case strings.Contains(n, "prevent") || strings.Contains(n, "preven") || strings.Contains(n, "予防") || strings.Contains(n, "vorbeug") || strings.Contains(n, "repair") || strings.Contains(n, "fix"):
		return "prevent"
	case strings.Contains(n, "detect") || strings.Contains(n, "monitor") || strings.Contains(n, "alert") || strings.Contains(n, "検知") || strings.Contains(n, "erkenn") || strings.Contains(n, "deteccion"):
		return "detect"
	case strings.Contains(n, "mitigat") || strings.Contains(n, "attenu") || strings.Contains(n, "mitig") || strings.Contains(n, "緩和"):
		return "mitigate"
	case strings.Contains(n, "process") || strings.Contains(n, "proces") || strings.Contains(n, "prozess") || strings.Contains(n, "プロセス") || strings.Contains(n, "運用"):
		return "process"
	case strings.Contains(n, "document") || strings.Contains(n, "doc") || strings.Contains(n, "ドキュメント") || strings.Contains(n, "runbook"):
		return "document"
	}
	return ""
}

// The events that start, detect and end an incident: phrases of whole
// words on normalised text ("(a|b)" is a choice, "(a|)" an optional
// word), and strings for Japanese, which has no spaces. Matched by words,
// in one pass over an entry: a regular expression per kind cost seconds
// over a large chronology.
type eventKind uint8

const (
	evStarted eventKind = 1 << iota
	evDetected
	evResolved
	evMitigated
)

var eventPhrases = []struct {
	kind    eventKind
	phrases []string
	cjk     []string
}{
	{evStarted, []string{
		"(outage|incident|impact) (begins|began|starts|started)", "(problem|issue|error|errors|failure|failures) (began|started|begins|starts)",
		"debut de (l incident|la panne|l impact)", "la panne commence", "beginn der (storung|stoerung)", "(storung|stoerung) beginnt",
		"inicio del (incidente|impacto)", "comienza el incidente",
	}, []string{"障害発生", "インシデント発生", "発生"}},
	{evDetected, []string{
		"detected", "detection", "(alert|alerts) (fired|triggered|received|went off)", "alerted", "paged", "pager", "page (sent|fired|received)", "pagerduty",
		"first (report|reports)", "reported by", "(report|reports) (of|from)", "noticed", "alarm", "automated (warning|alert)", "monitoring (alert|warning)",
		"on call (engineer|) (was|) (notified|paged)",
		"detecte", "alerte", "signale", "remonte", "erkannt", "alarmiert", "gemeldet", "bemerkt", "detectado", "alerta", "notificado", "reportado",
	}, []string{"検知", "アラート", "報告"}},
	{evResolved, []string{
		"(outage|incident) ends", "incident (is|) (resolved|closed)", "resolved", "fully restored", "restored", "recovered", "back to normal", "back online",
		"operational again", "(all|) (systems|services) (verified|are|were|) (operational|healthy)", "fixed", "service restored",
		"resolu", "retabli", "(de|a) nouveau (operationnel|operationnels)", "(de nouveau|a nouveau) (disponible|disponibles|fonctionnel|fonctionnels)",
		"(fonctionne|fonctionnent) a nouveau", "retour a la normale",
		"behoben", "wiederhergestellt", "gelost", "geloest", "resuelto", "restablecido", "solucionado",
	}, []string{"復旧", "解決", "正常化"}},
	{evMitigated, []string{
		"mitigated", "mitigation", "outage mitigated", "(work|works) again", "it works", "rolled back", "rollback", "reverted",
		"attenue", "contourne", "mitigiert", "mitigado", "revertido",
	}, []string{"暫定"}},
}

// eventMatcher holds eventPhrases by their first word, made on first use.
var eventMatcher = sync.OnceValue(func() map[string][]eventPhrase {
	m := map[string][]eventPhrase{}
	for _, ep := range eventPhrases {
		for _, p := range ep.phrases {
			for _, x := range expandPhrase(p) {
				w := strings.Fields(x)
				m[w[0]] = append(m[w[0]], eventPhrase{w, ep.kind})
			}
		}
	}
	return m
})

type eventPhrase struct {
	words []string
	kind  eventKind
}

// expandPhrase lists the phrases a pattern stands for: "a (b|c|) d" is
// "a b d", "a c d", "a d".
func expandPhrase(p string) []string {
	i := strings.IndexByte(p, '(')
	if i < 0 {
		return []string{strings.Join(strings.Fields(p), " ")}
	}
	j := i + strings.IndexByte(p[i:], ')')
	var out []string
	for _, alt := range strings.Split(p[i+1:j], "|") {
		out = append(out, expandPhrase(p[:i]+alt+p[j+1:])...)
	}
	return out
}

// eventKinds tells what a normalised chronology entry says.
func eventKinds(norm string) eventKind {
	var k eventKind
	words := strings.FieldsFunc(norm, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	for i, w := range words {
		for _, p := range eventMatcher()[w] {
			if len(p.words) <= len(words)-i && slices.Equal(p.words, words[i:i+len(p.words)]) {
				k |= p.kind
			}
		}
	}
	for i := 0; i < len(norm); i++ {
		if norm[i] >= utf8.RuneSelf {
			for _, ep := range eventPhrases {
				for _, c := range ep.cjk {
					if strings.Contains(norm, c) {
						k |= ep.kind
					}
				}
			}
			break
		}
	}
	// "iOS版の復旧報告", "customer reported it restored": the report of
	// the end is no detection.
	if k&evResolved != 0 {
		k &^= evDetected
	}
	return k
}

// reColumnZone is the zone a column header names: "Date and Time in CET".
var reColumnZone = lazyre.New(`\b(in|en)\s+[a-z]{2,5}$`)

// reIntent is a sentence that commits to doing something: "we will",
// "the crates.io team intends to", "nous allons", "wir werden", "vamos
// a", "予定です" (matched on folded text).
var reIntent = lazyre.New(`\b(?:we (?:will|'ll|shall|are going to|'re going to|plan to|intend to|are planning to|want to|need to|should|must|are (?:also )?(?:looking into|working on|considering|investigating|adding|introducing))|(?:the )?[a-z0-9.-]+ (?:team|project|foundation) (?:will|intends to|plans to|is planning to|is going to)|is planning|are planning|intends? to|plans? to|nous (?:allons|devons|prevoyons|comptons|souhaitons|voulons)|il (?:faut|faudra)|je vais|on va|wir (?:werden|wollen|planen|mussen|muessen|sollten)|es wird|vamos a|planeamos|debemos|tenemos que|(?:haremos|implementaremos|agregaremos|anadiremos|revisaremos|mejoraremos))\b|予定|していきます|検討します|実施します|対応します|導入します`)

func isIntent(sentence string) bool {
	f := folded(sentence)
	return reIntent.MatchString(f)
}

// splitSentences cuts running text into sentences: after ".", "!", "?"
// followed by a space and a capital or a digit, and after "。".
func splitSentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i, r := range rs {
		end := false
		switch r {
		case '。', '！', '？':
			end = true
		case '.', '!', '?':
			if i+2 < len(rs) && rs[i+1] == ' ' && (unicode.IsUpper(rs[i+2]) || unicode.IsDigit(rs[i+2])) {
				end = true
			}
		}
		if end {
			if s := strings.TrimSpace(string(rs[start : i+1])); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// recordStatuses are the statuses of an incident as people (and castor's
// own rendering) write them.
var recordStatuses = map[string]string{
	"investigating": "investigating", "identified": "identified", "monitoring": "monitoring", "resolved": "resolved",
	"analyse en cours": "investigating", "en cours d'analyse": "investigating", "cause identifiee": "identified", "identifie": "identified",
	"sous surveillance": "monitoring", "surveillance": "monitoring", "resolu": "resolved", "resolue": "resolved",
	"untersuchung": "investigating", "wird untersucht": "investigating", "identifiziert": "identified", "beobachtung": "monitoring",
	"uberwachung": "monitoring", "behoben": "resolved", "gelost": "resolved",
	"investigando": "investigating", "identificado": "identified", "monitoreando": "monitoring", "supervisando": "monitoring", "resuelto": "resolved",
	"調査中": "investigating", "原因特定": "identified", "特定済み": "identified", "監視中": "monitoring", "解決済み": "resolved", "復旧済み": "resolved", "解決": "resolved",
}

// recordStatus reads an incident's status.
func recordStatus(v string) (string, bool) {
	st, ok := recordStatuses[normalize(v)]
	return st, ok
}
