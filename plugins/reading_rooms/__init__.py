"""Reading rooms (党建科普网络书屋)

The party-building science online reading rooms of the townships and villages: their usage
per period (reads, downloads, active readers) entered by hand or imported from CSV, the
inspection report (督查通报) flagging rooms of low usage, monthly report snapshots, a year-end
ranking proposing commendations, and county-level model rooms (县级科普网络示范书屋).
"""
