/*
 * epcis.h - a label's life as EPCIS 2.0 events (JSON-LD, schemaVersion 2.0):
 *
 *   issuance    ObjectEvent ADD, bizStep commissioning, disposition active,
 *               with the lot's master data in ilmd (cbvmda:lotNumber,
 *               cbvmda:harvestStartDate, gimark:productionBase,
 *               gimark:inspectionCertificate)
 *   activation  ObjectEvent OBSERVE, bizStep packing, disposition active
 *   void        ObjectEvent DELETE, bizStep decommissioning, disposition
 *               inactive: one event per label voided alone, and the whole
 *               batch's labels when the batch is voided
 *
 * The EPC of a label is its Digital Link URI, {root}/01/{gtin}/21/{code},
 * what the label itself carries. A product without a GTIN has labels that
 * carry {root}/V/{code}: that serial URI is the EPC. It is an instance-level
 * identifier, which EPCIS 2.0 takes in epcList as any URI; a quantityList of
 * a class would lose what every label is, one serial each, and what a
 * partner checks a scanned label against.
 *
 * A batch's issuance, activation and void are each split into events of at
 * most GI_EPCIS_CHUNK labels (by seq, from 1: [k*CHUNK + 1, (k+1)*CHUNK]), so
 * that an event stays bounded whatever the batch's size. Events are in time
 * order, then batch, kind and seq; an event's position is its id and the
 * paging token of the query interface.
 */
#ifndef GI_EPCIS_H
#define GI_EPCIS_H

#include "gi/gi.h"
#include "labels/label.h"

#include <jansson.h>

#define GI_EPCIS_CHUNK     1000
#define GI_EPCIS_TOKEN_MAX 96
#define GI_EPCIS_CONTEXT   "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

/* Writes the EPCISDocument of batch id's events for account a (its read
 * access checked first), streamed to sink: labels are read from the
 * database as they are written, so memory stays bounded whatever the batch.
 * root is the base URL the labels carry. GI_EREFUSED / GI_ENOTFOUND as
 * gi/view; GI_EIO when the sink failed or stopped. a may be NULL: the
 * office's own shell (the CLI), which sees everything. *events counts the
 * events written (may be NULL). */
gi_err_t gi_epcis_batch_document(const gi_ctx_t *ctx, const db_account_t *a, int64_t id,
                                 const char *root, const label_sink_t *sink, int64_t *events,
                                 gi_error_t *err);

/* The query interface's subset (EPCIS 2.0 SimpleEventQuery). */
typedef struct {
    const char *ge_event_time; /* GE_eventTime, RFC 3339 (NULL: from the beginning) */
    const char *lt_event_time; /* LT_eventTime (NULL: until now) */
    const char *match_epc;     /* MATCH_epc: an EPC (Digital Link or serial URI), or NULL */
    const char *eq_biz_step;   /* EQ_bizStep: commissioning, packing, decommissioning (short
                                  or as a CBV URI), comma-separated, or NULL */
    const char *page_token;    /* nextPageToken of the previous page, or NULL */
    int64_t per_page;          /* events a page (1..1000; 0: 100) */
} gi_epcis_query_t;

/* The events account a may see that match q, one page: an
 * EPCISQueryDocument in *doc, and in next the token of the next page ("":
 * none). GI_EINVAL naming the parameter that is not valid. */
gi_err_t gi_epcis_query(const gi_ctx_t *ctx, const db_account_t *a, const gi_epcis_query_t *q,
                        const char *root, json_t **doc, char next[GI_EPCIS_TOKEN_MAX],
                        gi_error_t *err);

#endif
