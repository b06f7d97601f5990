package schema

// EditorSchemaComment is the first line castor writes into the YAML files
// it creates (castor.yaml by castor init, records by castor new) so that
// the YAML language server of VS Code, JetBrains and Neovim knows the JSON
// Schema of the file: "# yaml-language-server: $schema=<URL>", the schema
// exported by this castor's version (see JSONSchema).
func EditorSchemaComment(def Definition) string {
	name := "record"
	if def == DefConfig {
		name = "config"
	}
	return "# yaml-language-server: $schema=" + jsonSchemaURL(JSONSchemaFile(name), schemaRef())
}
