#include "http/pages.h"
const struct page_route PAGES_LIAISON[] = { { NULL, NULL, 0, NULL, 0 } };
enum status pages_home_liaison(struct page_rq *p, struct err *e){(void)e;page_open(p,"x","/");page_close(p);return 0;}
