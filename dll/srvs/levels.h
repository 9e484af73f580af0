/*
 * The one table of session info levels (SESSION_INFO_0/1/2/10/502).
 *
 * Each level lists its fields in wire (NDR) order, which is also the order of
 * the Windows structure members; decoding, buffer sizing, packing and the
 * fallback from a level the server lacks to one it has all read this table.
 */
#ifndef NT_LEVELS_H
#define NT_LEVELS_H

#include "../common/nt.h"

typedef enum sess_field {
    SF_CNAME,       /* string */
    SF_USERNAME,    /* string */
    SF_NUM_OPENS,   /* DWORD */
    SF_TIME,        /* DWORD */
    SF_IDLE_TIME,   /* DWORD */
    SF_USER_FLAGS,  /* DWORD */
    SF_CLTYPE_NAME, /* string */
    SF_TRANSPORT,   /* string */
    SF_COUNT
} sess_field;

/* The field table: one row per field, its columns say how every layer
 * treats it (levels.c has the rows). */
typedef struct sess_field_desc {
    const char *name;
    bool string;   /* a string pointer (else a DWORD) */
    bool unc;      /* a computer name Windows gives as "\\name" (sess_info_normalise) */
    bool seconds;  /* an interval in seconds: a "negative" one (>= 2^31) is 0 */
} sess_field_desc;

/* NULL for a value that is not a field. */
const sess_field_desc *sess_field_info(sess_field f);
bool sess_field_is_string(sess_field f);
/* Units a decoder allocates beyond a unc field's string (with its NUL), so
 * that normalising adds the "\\" in place. */
#define SESS_UNC_ROOM 2u

typedef struct sess_level {
    uint32_t level;
    uint8_t nfields;
    uint8_t fields[SF_COUNT];  /* sess_field values, wire/struct order */
    uint32_t derive_from;      /* level whose data yields this one (0xFFFFFFFF: none) */
    bool getinfo;              /* allowed for NetSessionGetInfo */
} sess_level;

#define SESS_LEVEL_NONE 0xFFFFFFFFu

/* NULL when the level is not one of 0, 1, 2, 10, 502. */
const sess_level *sess_level_find(uint32_t level);
/* The level that has every name and every other level derives from (1):
 * what to fetch when a question is about any session at all. */
const sess_level *sess_level_root(void);
bool sess_level_has(const sess_level *l, sess_field f);
/* Structure layout for the given pointer size (4: x86, 8: x64): members in
 * table order, pointers and DWORDs naturally aligned, size padded to the
 * largest alignment. */
size_t sess_level_struct_size(const sess_level *l, size_t ptrsize);
size_t sess_level_field_offset(const sess_level *l, unsigned idx, size_t ptrsize);

/* One decoded session, level-independent (a superset of every level). */
typedef struct sess_info {
    nt_wchar *str[SF_COUNT];  /* string fields, NUL-terminated; NULL = null pointer */
    uint32_t num[SF_COUNT];   /* DWORD fields */
    uint32_t present;         /* bit (1u << field) for each field supplied */
    uint32_t room;            /* bit (1u << field): its string has SESS_UNC_ROOM spare units */
} sess_info;

typedef struct sess_list {
    sess_info *v;
    uint32_t count;
    uint32_t total_entries;   /* the server's claim (a hint only) */
    uint32_t missing;         /* entries the server has but could not send
                               * (a RAP answer is at most 64 KiB); 0 = whole */
    uint32_t resume_handle;
    bool has_resume;
    uint32_t level;           /* the level the data was decoded at */
} sess_list;

void sess_info_clear(sess_info *s);
/* Brings a decoded entry to what Windows callers see, as the field table
 * says: unc fields get their leading "\\" (in place when the decoder left
 * SESS_UNC_ROOM, else reallocated), seconds fields are clamped to 0 when
 * "negative" (Samba reports a brand-new session's interval as (uint32)-1).
 * False on allocation failure. */
bool sess_info_normalise(sess_info *s);
void sess_list_free(sess_list *l);
/* Fills the fields `to` has and `from` lacks: strings the server cannot give
 * (cltype_name, transport) become empty strings, never invented text;
 * numbers become 0.  Returns false when `to` cannot be derived from
 * `from` (per derive_from) or on allocation failure. */
bool sess_info_derive(sess_info *s, uint32_t from, uint32_t to);

#endif
