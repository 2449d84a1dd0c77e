/*
 * The console: an ncurses screen through which an operator watches the
 * campaign engine and decides. doc/console.md describes the screen, the
 * keys and the themes.
 */
#ifndef ESCALATOR_UI_H
#define ESCALATOR_UI_H

/* escalator [FILE] [--theme NAME] [--operator NAME] [--state-dir DIR]
 * [--speed N] [--virtual-time] [--seed N] [--fault SPEC] [--no-mouse].
 * Returns an exit code of cli.h. */
int	ui_main(int argc, char **argv);

#endif
