package frame

// Type is a column's logical type.
type Type string

const (
	Numeric     Type = "numeric"
	Categorical Type = "categorical" // chunk holds integer codes into Column.Domain
	String      Type = "string"
	Time        Type = "time" // chunk holds milliseconds since the Unix epoch, UTC
)

// ParseType turns a user's spelling into a Type.
func ParseType(s string) (Type, bool) {
	switch s {
	case "numeric", "num", "real", "int", "float", "number":
		return Numeric, true
	case "categorical", "cat", "enum", "factor":
		return Categorical, true
	case "string", "str", "text":
		return String, true
	case "time", "date", "datetime", "timestamp":
		return Time, true
	}
	return "", false
}
