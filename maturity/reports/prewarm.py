"""Imported once by the job runner's forkserver (`jobs.preload`): every render process is forked
from an interpreter that has loaded WeasyPrint and drawn a tiny document already. Importing this
module draws that document — do not import it anywhere else."""
from maturity.reports.pdf import warm_up

warm_up()
