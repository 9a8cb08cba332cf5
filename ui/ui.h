/* ui: the interactive triage console (ncurses). */
#ifndef CT_UI_H
#define CT_UI_H

/* `credtriage [--repo DIR] [--analyst ID] [--window DUR] FILE...`: open the
 * console. Returns the process exit status (cli.h CT_EXIT_*). */
int ct_ui_main(int argc, char **argv);

#endif
