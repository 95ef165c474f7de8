# Writes the OpenAPI document into a C++ source as a byte array.
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "#include \"schemas/openapi.hpp\"\nnamespace chronicle::schemas {\nnamespace { const unsigned char doc[] = {${bytes} 0}; }\nstd::string_view openapi_document() { return {reinterpret_cast<const char*>(doc), sizeof(doc) - 1}; }\n}\n")
