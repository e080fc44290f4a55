; Assembly listing for method EdgeConv.Kernels.Optimized.GemmInt8Tile4x16+ArmDpTile:Accumulate(byref,int,byref,byref,byref,byref,byref) (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0x10]!
            mov     fp, sp
 
G_M000_IG02:
            movi    v16.4s, #0
            movi    v17.4s, #0
            movi    v18.4s, #0
            movi    v19.4s, #0
            movi    v20.4s, #0
            movi    v21.4s, #0
            movi    v22.4s, #0
            movi    v23.4s, #0
            movi    v24.4s, #0
            movi    v25.4s, #0
            movi    v26.4s, #0
            movi    v27.4s, #0
            movi    v28.4s, #0
            movi    v29.4s, #0
            movi    v30.4s, #0
            movi    v31.4s, #0
            mov     x7, xzr
            mov     w8, wzr
            cmp     w8, w1
            bge     G_M000_IG04
            align   [0 bytes for IG03]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG03:
            ldr     q7, [x2, x7]
            ldr     q6, [x3, x7]
            ldr     q5, [x4, x7]
            ldr     q4, [x5, x7]
            ldp     q3, q2, [x0]
            ldp     q1, q0, [x0, #0x20]
            sdot    v16.4s, v3.16b, v7.4b[0]
            sdot    v17.4s, v2.16b, v7.4b[0]
            sdot    v18.4s, v1.16b, v7.4b[0]
            sdot    v19.4s, v0.16b, v7.4b[0]
            sdot    v20.4s, v3.16b, v6.4b[0]
            sdot    v21.4s, v2.16b, v6.4b[0]
            sdot    v22.4s, v1.16b, v6.4b[0]
            sdot    v23.4s, v0.16b, v6.4b[0]
            sdot    v24.4s, v3.16b, v5.4b[0]
            sdot    v25.4s, v2.16b, v5.4b[0]
            sdot    v26.4s, v1.16b, v5.4b[0]
            sdot    v27.4s, v0.16b, v5.4b[0]
            sdot    v28.4s, v3.16b, v4.4b[0]
            sdot    v29.4s, v2.16b, v4.4b[0]
            sdot    v30.4s, v1.16b, v4.4b[0]
            sdot    v31.4s, v0.16b, v4.4b[0]
            ldp     q3, q2, [x0, #0x40]
            ldp     q1, q0, [x0, #0x60]
            sdot    v16.4s, v3.16b, v7.4b[1]
            sdot    v17.4s, v2.16b, v7.4b[1]
            sdot    v18.4s, v1.16b, v7.4b[1]
            sdot    v19.4s, v0.16b, v7.4b[1]
            sdot    v20.4s, v3.16b, v6.4b[1]
            sdot    v21.4s, v2.16b, v6.4b[1]
            sdot    v22.4s, v1.16b, v6.4b[1]
            sdot    v23.4s, v0.16b, v6.4b[1]
            sdot    v24.4s, v3.16b, v5.4b[1]
            sdot    v25.4s, v2.16b, v5.4b[1]
            sdot    v26.4s, v1.16b, v5.4b[1]
            sdot    v27.4s, v0.16b, v5.4b[1]
            sdot    v28.4s, v3.16b, v4.4b[1]
            sdot    v29.4s, v2.16b, v4.4b[1]
            sdot    v30.4s, v1.16b, v4.4b[1]
            sdot    v31.4s, v0.16b, v4.4b[1]
            ldp     q3, q2, [x0, #0x80]
            ldp     q1, q0, [x0, #0xA0]
            sdot    v16.4s, v3.16b, v7.4b[2]
            sdot    v17.4s, v2.16b, v7.4b[2]
            sdot    v18.4s, v1.16b, v7.4b[2]
            sdot    v19.4s, v0.16b, v7.4b[2]
            sdot    v20.4s, v3.16b, v6.4b[2]
            sdot    v21.4s, v2.16b, v6.4b[2]
            sdot    v22.4s, v1.16b, v6.4b[2]
            sdot    v23.4s, v0.16b, v6.4b[2]
            sdot    v24.4s, v3.16b, v5.4b[2]
            sdot    v25.4s, v2.16b, v5.4b[2]
            sdot    v26.4s, v1.16b, v5.4b[2]
            sdot    v27.4s, v0.16b, v5.4b[2]
            sdot    v28.4s, v3.16b, v4.4b[2]
            sdot    v29.4s, v2.16b, v4.4b[2]
            sdot    v30.4s, v1.16b, v4.4b[2]
            sdot    v31.4s, v0.16b, v4.4b[2]
            ldp     q3, q2, [x0, #0xC0]
            ldp     q1, q0, [x0, #0xE0]
            sdot    v16.4s, v3.16b, v7.4b[3]
            sdot    v17.4s, v2.16b, v7.4b[3]
            sdot    v18.4s, v1.16b, v7.4b[3]
            sdot    v19.4s, v0.16b, v7.4b[3]
            sdot    v20.4s, v3.16b, v6.4b[3]
            sdot    v21.4s, v2.16b, v6.4b[3]
            sdot    v22.4s, v1.16b, v6.4b[3]
            sdot    v23.4s, v0.16b, v6.4b[3]
            sdot    v24.4s, v3.16b, v5.4b[3]
            sdot    v25.4s, v2.16b, v5.4b[3]
            sdot    v26.4s, v1.16b, v5.4b[3]
            sdot    v27.4s, v0.16b, v5.4b[3]
            sdot    v28.4s, v3.16b, v4.4b[3]
            sdot    v29.4s, v2.16b, v4.4b[3]
            sdot    v30.4s, v1.16b, v4.4b[3]
            sdot    v31.4s, v0.16b, v4.4b[3]
            add     x0, x0, #0xD1FFAB1E
            add     x7, x7, #16
            add     w8, w8, #4
            cmp     w8, w1
            blt     G_M000_IG03
 
G_M000_IG04:
            stp     q16, q17, [x6]
            stp     q18, q19, [x6, #0x20]
            stp     q20, q21, [x6, #0x40]
            stp     q22, q23, [x6, #0x60]
            stp     q24, q25, [x6, #0x80]
            stp     q26, q27, [x6, #0xA0]
            stp     q28, q29, [x6, #0xC0]
            stp     q30, q31, [x6, #0xE0]
 
G_M000_IG05:
            ldp     fp, lr, [sp], #0x10
            ret     lr
 
; Total bytes of code 452
