package publish

import (
	"context"
	"strings"

	"github.com/castor-incidents/castor/internal/webhook"
)

// webhookPublisher POSTs each item as a signed JSON payload. A webhook
// cannot be asked what it has, so nothing is skipped as present: the
// Idempotency-Key, the same for the same update every time, lets the
// receiver drop what it already has (a re-run after a failure sends the
// items again under the same keys).
type webhookPublisher struct {
	s       WebhookSender
	siteURL string
}

func (w *webhookPublisher) name() string { return "webhook" }

func (w *webhookPublisher) record(ctx context.Context, rp *RecordPlan, dry bool, report func(Outcome)) error {
	for k, it := range rp.Items {
		p := w.payload(rp, it)
		key := webhook.Key(p.Event, rp.ID, it.Update.At, it.Update.Status, p.Message)
		o := Outcome{Publisher: "webhook", Record: rp.ID, Item: it, Detail: "key " + key[:12]}
		if dry {
			o.Action = Would + "send"
			report(o)
			continue
		}
		if err := w.s.Send(ctx, key, p); err != nil {
			// Every delivery goes to the same address: an error there
			// is the webhook's, not the record's, so it stops here.
			o.Action, o.Err = Failed, err
			report(o)
			for _, rest := range rp.Items[k+1:] {
				report(Outcome{Publisher: "webhook", Record: rp.ID, Item: rest, Action: Skipped, Detail: "not attempted: an earlier update of this record failed"})
			}
			return err
		}
		o.Action = Sent
		report(o)
	}
	return nil
}

func (w *webhookPublisher) payload(rp *RecordPlan, it Item) *webhook.Payload {
	ev := webhook.EventCreated
	if it.Kind == Edit {
		ev = webhook.EventEdited
	}
	return &webhook.Payload{
		Event:      ev,
		ID:         rp.ID,
		Kind:       rp.Incident.RecordKind(),
		Title:      rp.Incident.Title,
		Severity:   rp.Incident.Severity,
		History:    rp.History,
		Index:      it.Index,
		Status:     it.Update.Status,
		Message:    normText(it.Update.Message),
		Components: it.Update.Components,
		At:         it.Update.At,
		URL:        recordURL(w.siteURL, rp.ID),
	}
}

// recordURL is the record's page on the status site (the site's
// IncidentPath), or "" without site.url.
func recordURL(siteURL, id string) string {
	if siteURL == "" {
		return ""
	}
	return strings.TrimRight(siteURL, "/") + "/incidents/" + id + ".html"
}
