package schema

// EditorSchemaComment is the first line castor writes into the YAML files
// it creates (castor.yaml by castor init, records by castor new) so that
// the YAML language server of VS Code, JetBrains and Neovim knows the JSON
// Schema of the file: "# yaml-language-server: $schema=…". It is "" while
// castor exports no JSON Schema, and then nothing is written.
func EditorSchemaComment(def Definition) string { return "" }
