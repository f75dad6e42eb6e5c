/* dedup_api.c - clusters four short texts with libneardup. From the repository root:
 *   cc -Iinclude examples/dedup_api.c libneardup.a $(pkg-config --libs libutf8proc libxxhash) -lm
 */
#include <stdio.h>
#include <string.h>
#include <neardup.h>

#define NEWS "the railway will stay closed for at least three weeks after floodwater " \
             "from the river washed away a section of track above the village"

int main(void)
{
    const char *docs[] = {"The " NEWS ".", "THE " NEWS "!!", "The " NEWS " of Hollin Vale.",
                          "Rinse the barley until the water runs clear, then chop the onions."};
    nd_params *p = NULL;
    nd_dedup *d = NULL;
    const nd_member *m;
    const size_t *off;
    size_t nc, i, j;
    if (nd_params_create(&p, NULL) != ND_OK || nd_params_set(p, ND_P_THRESHOLD, 0.8) != ND_OK ||
        nd_dedup_create(&d, p, NULL) != ND_OK)
        return 1;
    for (i = 0; i < 4; i++)
        if (nd_dedup_add(d, docs[i], strlen(docs[i]), NULL) != ND_OK)
            return 1;
    if (nd_dedup_run(d, 0) != ND_OK || nd_dedup_clusters(d, &m, &off, &nc) != ND_OK)
        return 1;
    for (i = 0; i < nc; i++)                    /* m[off[i]] is the representative */
        for (j = off[i] + 1; j < off[i + 1]; j++)
            printf("doc %u is %s of doc %u (resemblance %.3f)\n", m[j].doc,
                   nd_relation_name(m[j].rel), m[j].rep, m[j].resemblance);
    nd_dedup_destroy(d);                        /* frees the clusters too */
    nd_params_destroy(p);
    return 0;
}
