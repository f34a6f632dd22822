#ifndef RUNLENS_CLIBXML2_SHIM_H
#define RUNLENS_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, so <libxml/encoding.h> includes the system ICU headers.
// Those clash with the ICU module that Foundation bundles ("'UErrorCode' has different
// definitions in different modules") in any Swift module that sees both. Reading the version
// header first and undefining LIBXML_ICU_ENABLED keeps the ICU headers out. The cost: the
// trailing ICU fields of xmlCharEncodingHandler are hidden, so Swift code must never read or
// allocate encoding-handler structs. RunLens never does.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#endif
