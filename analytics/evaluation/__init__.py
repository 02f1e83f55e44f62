"""How good is the hot-spot detector? Its checks against planted patterns (tooling, not the estimator).

demo.py      the demo's planted patterns and its null data, written as files and loaded into stores
shapes.py    a second pattern generator the detector was not tuned on (other sizes, growth curves,
             positions, backgrounds), as report frames
quality.py   both over many independent realisations (seeds), with confidence intervals
"""
