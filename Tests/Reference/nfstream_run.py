"""Writes NFStream 6.6's CSV of one capture: statistical_analysis=True, splt_analysis=N,
n_dissections=0 (the flowcsv --schema nfstream layout). Usage: nfstream_run.py CAPTURE OUT.csv N"""
import sys
from nfstream import NFStreamer

NFStreamer(source=sys.argv[1], statistical_analysis=True, splt_analysis=int(sys.argv[3]),
           n_dissections=0).to_csv(path=sys.argv[2])
