package schema

// Impact is the Statuspage impact level ("none", "minor", "major",
// "critical") of an incident of a severity: SEV1 is critical, SEV2 major,
// SEV3 minor, SEV4 none. It is "" for anything else (a record that passed
// validation has one of the four).
//
// It is what castor declares to Statuspage (impact_override) and what
// the static status page starts from; the site then ranks an incident it
// lists at least minor.
func Impact(severity string) string {
	switch severity {
	case "SEV1":
		return "critical"
	case "SEV2":
		return "major"
	case "SEV3":
		return "minor"
	case "SEV4":
		return "none"
	}
	return ""
}
